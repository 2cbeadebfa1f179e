#!/usr/bin/env python3
"""The figures of `make bench`: scripts/bench.sh runs wrk, this turns its results into the
table, the targets and bench/results/latest.{md,tsv} (standard library only).

    report.py run-row --runs RUNS --log LOG --rss RSS --expect STATUSES
                      SCENARIO TARGET CONNS REPEAT LOAD PROCESSES OTHERS
        parses wrk's BENCH line (bench/wrk.lua), appends one row to RUNS, prints a line
    report.py write --runs RUNS --context CONTEXT --aggregate TSV --md MD --tsv TSV --chart DAT
        the aggregate, latest.md, latest.tsv and the chart's data
    report.py summary --runs RUNS --context CONTEXT
        the table and the targets, as printed at the end of a run

CONTEXT holds what the shell measured or knows, one `key<TAB>value` a line.
Rows of RUNS (one per wrk run) and of the aggregate (one per scenario, target and
connection count) are tab-separated; their columns are named in AGGREGATE_HEADER.
"""
import argparse
import sys

# ------------------------------------------------------------------ the targets (issues 6 and 20)

# Signed-in `GET /` and `GET /auth/check` against the floor's signed-in `GET /` (issue 20:
# the session cache brings them close to the responder that touches no database).
PAGE_RPS_VS_FLOOR = 1.8       # req/s at least this times the floor's
PAGE_P99_VS_FLOOR = 1         # p99 at most this times the floor's (no higher)
PBKDF2_VS_BOUND = 0.7         # Gatehouse's hashes/s against the hardware bound
SIGN_INS_VS_CORES_PBKDF2 = 0.9  # sign-ins/s against cores × Gatehouse's hashes/s
STORM_P99_VS_IDLE = 2         # page-view p99 during sign-ins against idle
RSS_LIMIT_MB = 40             # all Gatehouse processes under load
STARTUP_LIMIT_MS = 200        # `gatehouse serve` answering /healthz after exec

# Scenario names, how the table labels them, and which floor row each is compared with.
LABELS = {
    "home": "GET / signed in",
    "check": "GET /auth/check signed in ¹",
    "login-page": "GET /auth anonymous ²",
    "redirect": "GET / anonymous → 303",
    "login": "POST /auth sign-in ³",
    "storm-view": "GET / signed in, during sign-ins ⁴",
    "storm-login-gatehouse": "POST /auth during Gatehouse page views ⁴",
    "storm-login-floor": "POST /auth during floor page views ⁴",
    "flood-idle": "GET /auth/check signed in, before the flood ⁶",
    "flood-check": "GET /auth/check signed in, during the flood ⁶",
    "flood-login": "POST /auth, the flood of correct sign-ins ⁶",
}
FLOOR_REFERENCE = {"home": "home", "check": "home", "login-page": "redirect", "redirect": "redirect",
                   "storm-view": "storm-view"}

AGGREGATE_HEADER = ["# scenario", "target", "connections", "runs", "req/s", "p50 ms", "p99 ms", "req/s min",
                    "req/s max", "socket errors", "non-2xx/3xx", "unexpected status", "statuses of unexpected",
                    "peak RSS kB", "processes", "others CPU % (max)"]
# Column numbers (1-based, as in latest.tsv) of the aggregate.
RPS, P99, SOCKET, NON2XX, UNEXPECTED, RSS = 5, 7, 10, 11, 12, 14


def label(scenario):
    return LABELS.get(scenario, scenario)


def number(value):
    """A number as the report has always printed it (awk's print: integers plain, else %.6g)."""
    if value == int(value) and abs(value) <= 2**31 - 1:
        return "%d" % value
    return "%.6g" % value


def met(condition):
    return "**met**" if condition else "**missed**"


def ratio(value):
    return f"{value:g}"


# ------------------------------------------------------------------ one wrk run

def parse_bench_line(text):
    """The last `BENCH key=value ...` line wrk.lua printed, as a dict, or None."""
    lines = [line for line in text.splitlines() if line.startswith("BENCH ")]
    if not lines:
        return None
    return dict(pair.split("=", 1) for pair in lines[-1][len("BENCH "):].split())


def run_row(bench, scenario, target, conns, repeat, expect, rss, processes, load, others):
    """One row of runs.tsv (a list of strings) from a parsed BENCH line. EXPECT may list
    several statuses (the flood's 303,429,503); an expected status >= 400 is no error."""
    requests = int(bench["requests"])
    non2xx3xx = int(bench["non2xx3xx"])
    if bench["statuses"] == "-":
        unexpected = 0
    else:
        wanted = set(expect.split(","))
        expected_count = expected_errors = 0
        for item in bench["statuses"].split(","):
            status, count = item.split(":")
            if status in wanted:
                expected_count += int(count)
                if int(status) >= 400:
                    expected_errors += int(count)
        unexpected = requests - expected_count
        non2xx3xx -= expected_errors
    sockets = sum(int(bench[k]) for k in ("connect", "read", "write", "timeout"))
    return [scenario, target, str(conns), str(repeat),
            "%.1f" % (float(bench["requests"]) * 1e6 / float(bench["duration_us"])),
            number(int(bench["p50_us"]) / 1000), number(int(bench["p99_us"]) / 1000),
            number(int(bench["max_us"]) / 1000), bench["requests"], str(sockets), str(non2xx3xx),
            str(unexpected), bench["statuses"], rss or "0", str(processes), load, others]


def progress_line(row):
    return ("  %-21s %-9s c=%-3s #%s %8.1f req/s  p50 %7.2f  p99 %8.2f ms  errors %s/%s/%s  RSS %4.1f MB  others %s%%"
            % (row[0], row[1], row[2], row[3], float(row[4]), float(row[5]), float(row[6]), row[9], row[10],
               row[11], float(row[13]) / 1024, row[16]))


# ------------------------------------------------------------------ over the repeats

def aggregate(runs, pick):
    """Per scenario, target and connection count, in the order first run: req/s, p50 and p99
    (their means, or those of the run with the most req/s when PICK is `best`), sums of
    errors, the peak RSS, the req/s range and the most others took. Rows of strings."""
    groups = {}
    for row in runs:
        groups.setdefault(tuple(row[:3]), []).append(row)
    table = []
    for key, rows in groups.items():
        if pick == "mean":
            rps = sum(float(r[4]) for r in rows) / len(rows)
            p50 = sum(float(r[5]) for r in rows) / len(rows)
            p99 = sum(float(r[6]) for r in rows) / len(rows)
        else:
            best = rows[0]
            for r in rows[1:]:
                if float(r[4]) > float(best[4]):
                    best = r
            rps, p50, p99 = float(best[4]), float(best[5]), float(best[6])
        lowest = min(rows, key=lambda r: float(r[4]))[4]
        highest = max(rows, key=lambda r: float(r[4]))[4]
        statuses = " ".join(r[12] for r in rows if float(r[11]) > 0)
        peak_rss = ""   # stays empty when no sample saw a process (as before)
        for r in rows:
            if float(r[13]) > float(peak_rss or 0):
                peak_rss = r[13]
        others = max(float(r[16]) for r in rows)
        table.append(list(key) + [str(len(rows)), "%.1f" % rps, "%.2f" % p50, "%.2f" % p99, lowest, highest,
                                  number(sum(float(r[9]) for r in rows)), number(sum(float(r[10]) for r in rows)),
                                  number(sum(float(r[11]) for r in rows)), statuses or "-", peak_rss, rows[-1][14],
                                  number(max(others, 0))])
    return table


class Figures:
    """The aggregate, the runs and the context of one benchmark run, and lookups into them."""

    def __init__(self, runs, context):
        self.runs = runs
        self.context = context
        self.rows = aggregate(runs, context.get("pick", "mean"))
        self.connections = context.get("connections", "").split()

    def get(self, scenario, target, conns, column):
        """One figure of the aggregate as text ("" when the row is absent)."""
        for row in self.rows:
            if row[0] == scenario and row[1] == target and row[2] == str(conns):
                return row[column - 1]
        return ""

    def flood_answers(self, status):
        """How many of the flood's sign-ins got STATUS, summed over its runs."""
        total = 0
        for row in self.runs:
            if row[0] == "flood-login":
                for item in row[12].split(","):
                    code, _, count = item.partition(":")
                    if code == status:
                        total += int(count or 0)
        return total


# ------------------------------------------------------------------ the table and the targets

def render_table(figures):
    lines = ["| scenario | target | conns | req/s | p50 ms | p99 ms | req/s ÷ floor | p99 ÷ floor | errors | RSS MB | others' CPU ⁵ |",
             "|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|"]
    # The runs count and the req/s range (columns 4, 8, 9) stay in latest.tsv.
    for row in figures.rows:
        scenario, target, conns, _, rps, p50, p99, _, _, sockets, bad, unexpected, statuses, rss, processes, others = row
        ratio_rps = ratio_p99 = "—"
        reference = FLOOR_REFERENCE.get(scenario)
        if target == "gatehouse" and reference:
            floor_rps = figures.get(reference, "floor", conns, RPS)
            floor_p99 = figures.get(reference, "floor", conns, P99)
            if floor_rps:
                ratio_rps = "%.2f×" % (float(rps) / float(floor_rps))
                ratio_p99 = "%.2f×" % (float(p99) / float(floor_p99))
        errors = []
        if sockets != "0":
            errors.append(f"{sockets} socket")
        if bad != "0":
            errors.append(f"{bad} non-2xx/3xx")
        if unexpected != "0":
            errors.append(f"{unexpected} unexpected ({statuses})")
        procs = f" ({processes} procs)" if float(processes or 0) > 1 else ""
        lines.append("| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %.1f%s | %s %% |"
                     % (label(scenario), target, conns, float(rps), p50, p99, ratio_rps, ratio_p99,
                        " ".join(errors) or "0", float(rss or 0) / 1024, procs, others))
    return lines


def render_targets(figures):
    ctx, get = figures.context, figures.get
    lines = [f"- Signed-in `GET /` and `GET /auth/check`: req/s ≥ {ratio(PAGE_RPS_VS_FLOOR)}× the floor's, "
             f"p99 ≤ {ratio(PAGE_P99_VS_FLOOR)}× the floor's:"]
    for scenario in ("home", "check"):
        for conns in figures.connections:
            rps, p99 = get(scenario, "gatehouse", conns, RPS), get(scenario, "gatehouse", conns, P99)
            floor_rps, floor_p99 = get("home", "floor", conns, RPS), get("home", "floor", conns, P99)
            if not rps or not floor_rps:
                continue
            rps, p99, floor_rps, floor_p99 = map(float, (rps, p99, floor_rps, floor_p99))
            name = label(scenario).removesuffix(" ¹")
            lines.append(f"  - {name} c={conns}: %.2f× req/s, %.2f× p99 — %s" % (
                rps / floor_rps, p99 / floor_p99,
                met(rps >= PAGE_RPS_VS_FLOOR * floor_rps and p99 <= PAGE_P99_VS_FLOOR * floor_p99)))
    lines += render_database_work(figures)
    fast, bound = ctx.get("pbkdf2_fast", ""), ctx.get("pbkdf2_bound", "")
    if fast:
        lines.append(f"- PBKDF2 ≥ {ratio(PBKDF2_VS_BOUND)}× the bound: Gatehouse {fast}/s = %.2f× the bound {bound}/s — %s"
                     % (float(fast) / float(bound), met(float(fast) >= PBKDF2_VS_BOUND * float(bound))))
    else:
        lines.append(f"- PBKDF2 ≥ {ratio(PBKDF2_VS_BOUND)}× the bound: not measured (`gatehouse bench-pbkdf2` missing)")
    cores = ctx.get("cores", "1")
    logins = get("login", "gatehouse", ctx.get("login_connections", ""), RPS)
    if logins and fast:
        lines.append(f"- Sign-ins ≥ {ratio(SIGN_INS_VS_CORES_PBKDF2)}× cores × PBKDF2 rate ({cores} × {fast}/s): "
                     f"{logins}/s = %.2f× — %s" % (
                         float(logins) / (float(fast) * float(cores)),
                         met(float(logins) >= SIGN_INS_VS_CORES_PBKDF2 * float(cores) * float(fast))))
    elif logins:
        lines.append(f"- Sign-ins ≥ {ratio(SIGN_INS_VS_CORES_PBKDF2)}× cores × PBKDF2 rate: {logins}/s; the rate needs "
                     f"`gatehouse bench-pbkdf2` (the bound would allow %.1f/s)" % (float(bound) * float(cores)))
    storm_conns, flood_conns = ctx.get("storm_connections", ""), ctx.get("flood_connections", "")
    storm, idle = get("storm-view", "gatehouse", storm_conns, P99), get("home", "gatehouse", storm_conns, P99)
    if storm and idle:
        lines.append(f"- Page-view p99 during sign-ins ≤ {ratio(STORM_P99_VS_IDLE)}× idle (c={storm_conns}): "
                     f"{storm} ms vs {idle} ms idle = %.2f× — %s (the floor: %s ms vs %s ms idle)" % (
                         float(storm) / float(idle), met(float(storm) <= STORM_P99_VS_IDLE * float(idle)),
                         get("storm-view", "floor", storm_conns, P99), get("home", "floor", storm_conns, P99)))
    flood, flood_idle = get("flood-check", "gatehouse", storm_conns, P99), get("flood-idle", "gatehouse", storm_conns, P99)
    if flood and flood_idle:
        # A gate that stalls answers nothing, and wrk then reports a p99 of 0.
        if float(get("flood-check", "gatehouse", storm_conns, RPS) or 0) > 0:
            versus = f"{flood} ms vs {flood_idle} ms just before = %.2f×" % (float(flood) / float(flood_idle))
        else:
            versus = f"**no answer at all** during the flood ({ctx.get('duration', '')} s; {flood_idle} ms just before)"
        answers = figures.flood_answers
        lines.append(f"- `/auth/check` p99 during a flood of {flood_conns} concurrent correct sign-ins (c={storm_conns}): "
                     f"{versus} (reported, no target); the flood's sign-ins: {answers('303')} signed in (303), "
                     f"{answers('503')} refused at once (503, Retry-After), {answers('429')} held back by the lockout (429), "
                     f"{get('flood-login', 'gatehouse', flood_conns, NON2XX)} other non-2xx/3xx, "
                     f"{get('flood-login', 'gatehouse', flood_conns, SOCKET)} socket errors")
    peak = max([float(r[RSS - 1] or 0) for r in figures.rows if r[1] == "gatehouse"] + [0]) / 1024
    lines.append(f"- All Gatehouse processes ≤ {RSS_LIMIT_MB} MB RSS under load: peak %.1f MB — %s"
                 % (peak, met(float("%.1f" % peak) <= RSS_LIMIT_MB)))
    startup = ctx.get("startup_ms", "")
    lines.append(f"- `gatehouse serve` answers ≤ {STARTUP_LIMIT_MS} ms after start: {startup} ms — "
                 f"{met(float(startup) <= STARTUP_LIMIT_MS)}")
    errors = sum(float(r[SOCKET - 1]) + float(r[NON2XX - 1]) + float(r[UNEXPECTED - 1]) for r in figures.rows)
    lines.append(f"- No 5xx, no socket errors, no unexpected status: {number(errors)} in all — {met(errors == 0)}")
    return lines


def render_database_work(figures):
    """The session cache's hit rate over each signed-in scenario's runs (cache_SCENARIO:
    "HITS MISSES" from /metrics) and PostgreSQL's statements per request in its
    Gatehouse-only probe (probe_SCENARIO: "REQUESTS STATEMENTS SECONDS IDLE_STATEMENTS
    IDLE_SECONDS" from pg_stat_statements), reported without a target."""
    lines = []
    for scenario in ("home", "check"):
        cache, probe = figures.context.get(f"cache_{scenario}"), figures.context.get(f"probe_{scenario}")
        if not cache and not probe:
            continue
        parts = []
        if cache:
            hits, misses = map(int, cache.split())
            rate = "%.2f %%" % (100 * hits / (hits + misses)) if hits + misses else "— (no lookup)"
            parts.append(f"cache hit rate {rate} ({hits} hits, {misses} misses over its runs)")
        if probe:
            requests, statements, seconds, idle, idle_seconds = probe.split()
            requests, statements, idle = int(requests), int(statements), int(idle)
            seconds, idle_seconds = float(seconds), float(idle_seconds)
            background = idle / idle_seconds if idle_seconds else 0
            net = max(0.0, statements - background * seconds)
            per = lambda n: "%.4f" % (n / requests) if requests else "—"
            parts.append(f"{per(statements)} statements per request ({statements} in {requests} requests at "
                         f"c={figures.context.get('storm_connections', '')}), {per(net)} without the "
                         f"{background:.1f}/s run while idle")
        else:
            parts.append("statements per request not measured (PostgreSQL without pg_stat_statements: "
                         "let `make bench` start the stack)")
        lines.append(f"  - {label(scenario).removesuffix(' ¹')}: " + "; ".join(parts))
    if lines:
        lines.insert(0, "- Session cache and PostgreSQL work (reported, no target). Statements are counted by "
                        "pg_stat_statements, on only during a Gatehouse-only run after each scenario's (the floor "
                        "shares the database); the statements run while idle (the cache listeners' 40 ms "
                        "heartbeats, the mail senders) are counted for a few seconds just before it and taken "
                        "out in the second figure:")
    return lines


# ------------------------------------------------------------------ latest.md and the chart

def others_range(runs):
    if not runs:
        return "–"
    low = min(runs, key=lambda r: float(r[16]))[16]
    high = max(runs, key=lambda r: float(r[16]))[16]
    return f"{low}–{high}"


def render_markdown(figures):
    c = figures.context
    pick_text = "req/s, p50 and p99 are the **mean** of the runs"
    if c.get("pick") != "mean":
        pick_text = "req/s, p50 and p99 are those of the **best** run (most req/s; BENCH_PICK=best)"
    flood_conns = int(c.get("flood_connections", "0"))
    out = [
        "# Gatehouse benchmark",
        "",
        f"Written by `make bench` (scripts/bench.sh) on {c['when']} at git {c['head']}{c.get('dirty', '')}.",
        f"Machine: {c['cores']} cores ({c['cpu']}); Linux {c['kernel']}, {c['autogroups']}; {c['versions']}.",
        f"Load average: {c['load_before']} before the runs, {c['load_after']} after (the runs themselves load the "
        "two cores to ~5). Other engineers build and fuzz on the same cores: processes that were not the benchmark's "
        f"took {others_range(figures.runs)} % of the cores during the runs (column ⁵); a page-view or sign-in run they "
        f"took more than {c['max_busy']} % of was run again, up to {c['retries']} time(s), and the least disturbed "
        "attempt kept.",
        "",
        f"wrk -t2 -d{c['duration']}s --latency, {c['repeats']} run(s) per row, Gatehouse and the floor alternating; "
        f"{pick_text}, errors their sum, RSS the peak of all responder processes of that side sampled during the runs. "
        f"Gatehouse: WORKERS={c['workers']}, the `make run` nginx on :{c['port']}. Floor: `../shared/bench/floor` in "
        f"`db` mode, {c['floor_threads']} threads, behind its own nginx on :{c['floor_port']} with the same settings, "
        "the same database and the same session cookie.",
    ]
    if c.get("nginx_keepalive"):
        out.append("Gatehouse's nginx keeps its FastCGI connections open between requests (deploy/nginx.conf: up to "
                   f"{c['nginx_keepalive']} idle per nginx worker); the floor's opens a new one per request, since "
                   "each floor thread would wait on the connection it answered.")
    else:
        out.append("Every nginx opens a new FastCGI connection per request.")
    if c.get("quick") == "1":
        out += ["", f"**BENCH_QUICK smoke run: {c['duration']} s per run, {c['repeats']} run(s) each — not for quoting.**"]
    out += [""] + render_table(figures) + [
        "",
        "¹ compared with the floor's signed-in `GET /` (the floor has no check route).",
        "² no database work; compared with the floor's anonymous `GET /` (its answer without database work).",
        f"³ PBKDF2_ITERATIONS={c['iterations']}, every request a successful sign-in (a new session row); see the targets below.",
        f"⁴ {c['login_connections']} clients signing in (POST /auth to Gatehouse) while {c['storm_connections']} clients "
        "view pages; the floor rows show what the same sign-in load does to the floor, i.e. the CPU contention alone. "
        "With the kernel's autogroups on, every session (each PostgreSQL backend, nginx, Gatehouse) is its own "
        "scheduling group and the hashing threads' SCHED_IDLE only yields to Gatehouse's own threads (README, Performance).",
        "⁵ the largest share of all cores that other processes (not wrk, nginx, the responders or PostgreSQL of "
        "`make run`) used during one of the row's runs, from /proc/stat less the benchmark's processes.",
        f"⁶ {flood_conns} clients POST the right password (users flood0..flood{flood_conns - 1}) at once, each again as "
        f"soon as it is answered, while {c['storm_connections']} clients ask `/auth/check`; the row before the flood is "
        "its idle reference. Each worker process hashes at most one sign-in per core and queues one per core; the rest "
        "are answered 503 with Retry-After at once, which here counts as expected, not as an error.",
        "",
        "![requests/s and p99 vs connections](latest.svg)",
        "",
        f"## PBKDF2-HMAC-SHA256, hashes/s on one core at {c['iterations']} iterations",
        "",
        "| bound | libcrypto PKCS5_PBKDF2_HMAC | Gatehouse |",
        "|--:|--:|--:|",
        f"| {c['pbkdf2_bound']} | {c.get('pbkdf2_reference') or 'n/a'} | {c.get('pbkdf2_fast') or 'n/a'} |",
        "",
        f"Bound: `openssl speed -evp sha256 -bytes 16384` = {c['sha256_bytes']} bytes/s ÷ 64 ÷ 2 ÷ {c['iterations']} "
        "(one iteration is two SHA-256 block compressions once the HMAC pads are precomputed).",
    ]
    if not c.get("pbkdf2_fast"):
        out.append("Gatehouse's and libcrypto's rates need the hidden `gatehouse bench-pbkdf2` subcommand "
                   "(bench/BenchPBKDF2Command.swift.txt).")
    out += [
        "",
        "## Start-up",
        "",
        f"`gatehouse serve` answered `/healthz` (over FastCGI, database up) **{c['startup_ms']} ms** after exec "
        f"(median of {c['startup_runs']} starts: {c['startup_all']} ms).",
        "",
    ] + render_factor_signin(c) + [
        "## Targets (issues 6 and 20)",
        "",
    ] + render_targets(figures)
    return out


def render_factor_signin(context):
    """The `factor` scenario's lines (bench/factor_signin.py: kind, samples, median, p90 ms,
    rows joined by `;`), or nothing when it did not run."""
    rows = [row.split("\t") for row in context.get("factor_signin", "").split(";") if row]
    if not rows:
        return []
    by_kind = {row[0]: row for row in rows}
    out = [
        "## Sign-in with a second factor",
        "",
        "One sign-in at a time through nginx, from the first POST to the answer that lands on `/`; "
        "with a code that is POST /auth, GET and POST /auth/second.",
        "",
        "| sign-in | samples | median ms | p90 ms |",
        "|---|--:|--:|--:|",
    ]
    out += [f"| {kind} | {row[1]} | {row[2]} | {row[3]} |" for kind, row in by_kind.items()]
    if "password" in by_kind and "password+totp" in by_kind:
        added = float(by_kind["password+totp"][2]) - float(by_kind["password"][2])
        out.append("")
        out.append(f"The code adds **{added:.1f} ms** to the median sign-in.")
    return out + [""]


def chart_data(figures):
    """gnuplot's data (bench/chart.gp): per connection count, req/s and p99 of Gatehouse's and
    the floor's signed-in GET / and of Gatehouse's /auth/check; NaN where not measured."""
    lines = ["# connections\tGatehouse GET / req/s\tp99 ms\tfloor GET / req/s\tp99 ms\tGatehouse /auth/check req/s\tp99 ms"]
    for conns in figures.connections:
        cells = [conns]
        for scenario, target in (("home", "gatehouse"), ("home", "floor"), ("check", "gatehouse")):
            cells += [figures.get(scenario, target, conns, RPS) or "NaN", figures.get(scenario, target, conns, P99) or "NaN"]
        lines.append("\t".join(cells))
    return lines


# ------------------------------------------------------------------ files and commands

def read_rows(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]


def read_context(path):
    context = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            context[key] = value
    return context


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run-row")
    for option in ("--runs", "--log", "--rss", "--expect"):
        p.add_argument(option, required=True)
    for name in ("scenario", "target", "conns", "repeat", "load", "processes", "others"):
        p.add_argument(name)
    for name in ("write", "summary"):
        p = sub.add_parser(name)
        p.add_argument("--runs", required=True)
        p.add_argument("--context", required=True)
        if name == "write":
            for option in ("--aggregate", "--md", "--tsv", "--chart"):
                p.add_argument(option, required=True)
    args = parser.parse_args()
    sys.stdout.reconfigure(encoding="utf-8")

    if args.command == "run-row":
        with open(args.log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        bench = parse_bench_line(text)
        if bench is None:
            tail = "\n".join(text.splitlines()[-3:])
            sys.exit(f"bench: wrk failed ({args.log}): {tail}")
        try:
            with open(args.rss) as f:
                rss = f.read().strip()
        except OSError:
            rss = ""
        row = run_row(bench, args.scenario, args.target, args.conns, args.repeat, args.expect, rss,
                      args.processes, args.load, args.others)
        with open(args.runs, "a", encoding="utf-8") as f:
            f.write("\t".join(row) + "\n")
        print(progress_line(row))
        return
    figures = Figures(read_rows(args.runs), read_context(args.context))
    if args.command == "write":
        write_lines(args.aggregate, ["\t".join(AGGREGATE_HEADER)] + ["\t".join(r) for r in figures.rows])
        write_lines(args.md, render_markdown(figures))
        write_lines(args.tsv, [f"# {figures.context['when']} git {figures.context['head']}",
                               "\t".join(AGGREGATE_HEADER)] + ["\t".join(r) for r in figures.rows])
        write_lines(args.chart, chart_data(figures))
    else:
        print("\n".join(render_table(figures) + [""] + render_targets(figures)))


if __name__ == "__main__":
    main()
