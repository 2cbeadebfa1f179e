#!/usr/bin/env python3
"""Helpers for scripts/faults.sh and scripts/soak.sh (standard library only).

    tool.py free-port
    tool.py load --out FILE --spec LABEL|PORT|METHOD|PATH|COOKIE|EXPECTED [--spec ...]
                 [--threads N] [--seconds MAX] [--max-requests N] [--stop-file F] [--ready-file F]
    tool.py analyze SCENARIO --records FILE [--at NAME=EPOCH ...]
    tool.py children PID
    tool.py kill-worker PID          kill -9 one worker, time its replacement
    tool.py hup PID                  SIGHUP, time the replacement of every worker
    tool.py metrics --port P --out FILE
    tool.py metrics-diff BEFORE AFTER

Every load request goes to 127.0.0.1 on a new connection (nginx's keep-alive would only
hide a connection error behind the next request) and is recorded as one line:
    label  start  end  status  error        (epoch seconds; status 0 = no HTTP answer)
`analyze`, `kill-worker` and `hup` print key=value lines, which scripts/faults.sh sets as
shell variables (its results()); analyze includes verdict=ok|FAIL and why=... .
"""
import argparse
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time


# ------------------------------------------------------------------ small helpers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(parent):
    """Process ids whose parent is `parent`, from /proc (zombies left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry))
    return sorted(found)


def emit(**pairs):
    for key, value in pairs.items():
        print(f"{key}={str(value).replace(chr(10), ' ')}")


# ------------------------------------------------------------------ load

class Spec:
    def __init__(self, text):
        parts = text.split("|")
        if len(parts) != 6:
            raise SystemExit(f"--spec needs LABEL|PORT|METHOD|PATH|COOKIE|EXPECTED: {text}")
        self.label, port, self.method, self.path, cookie, expected = parts
        self.port = int(port)
        self.headers = {"Host": "127.0.0.1", "Connection": "close"}
        if cookie:
            self.headers["Cookie"] = cookie
        self.expected = {int(s) for s in expected.split(",")}


def one_request(spec, timeout):
    connection = http.client.HTTPConnection("127.0.0.1", spec.port, timeout=timeout)
    try:
        connection.request(spec.method, spec.path, headers=spec.headers)
        response = connection.getresponse()
        response.read()
        return response.status, ""
    except Exception as error:  # any failure to get an answer is a failed request
        return 0, type(error).__name__
    finally:
        connection.close()


def run_load(args):
    specs = [Spec(text) for text in args.spec]
    deadline = time.time() + args.seconds
    records = []
    lock = threading.Lock()
    sent = [0]
    ready = threading.Event()

    def stopped():
        if time.time() >= deadline:
            return True
        if args.stop_file and os.path.exists(args.stop_file):
            return True
        return False

    def worker(index):
        mine = []
        turn = index
        while not stopped():
            with lock:
                if args.max_requests and sent[0] >= args.max_requests:
                    break
                sent[0] += 1
            spec = specs[turn % len(specs)]
            turn += 1
            start = time.time()
            status, error = one_request(spec, args.timeout)
            mine.append((spec.label, start, time.time(), status, error))
            if not ready.is_set():
                ready.set()
                if args.ready_file:
                    open(args.ready_file, "w").close()
            if args.pause:
                time.sleep(args.pause)
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records.sort(key=lambda r: r[1])
    with open(args.out, "w") as out:
        expected = {spec.label: ",".join(str(s) for s in sorted(spec.expected)) for spec in specs}
        out.write("# expected " + json.dumps(expected) + "\n")
        for label, start, end, status, error in records:
            out.write(f"{label}\t{start:.6f}\t{end:.6f}\t{status}\t{error or '-'}\n")


def read_records(path):
    expected, records = {}, []
    with open(path) as f:
        for line in f:
            if line.startswith("# expected "):
                expected = {k: {int(s) for s in v.split(",")} for k, v in json.loads(line[11:]).items()}
                continue
            label, start, end, status, error = line.rstrip("\n").split("\t")
            records.append({"label": label, "start": float(start), "end": float(end),
                            "status": int(status), "error": "" if error == "-" else error})
    return expected, records


def status_summary(records):
    counts = {}
    for r in records:
        key = str(r["status"]) if r["status"] else (r["error"] or "error")
        counts[key] = counts.get(key, 0) + 1
    return ",".join(f"{k}:{v}" for k, v in sorted(counts.items()))


# ------------------------------------------------------------------ analysis

def analyze(args):
    expected, records = read_records(args.records)
    at = {}
    for item in args.at or []:
        name, value = item.split("=", 1)
        at[name] = float(value)

    def ok(r, extra=()):
        return r["status"] in expected.get(r["label"], set()) or r["status"] in extra

    sent = len(records)
    longest = max((r["end"] - r["start"] for r in records), default=0.0)
    problems = []
    out = {"sent": sent, "longest": f"{longest:.3f}", "statuses": status_summary(records)}

    if args.scenario == "kill":
        t0, t1 = at["kill0"], at["kill1"]
        in_flight = [r for r in records if r["start"] < t1 and r["end"] > t0]
        failed = [r for r in records if not ok(r)]
        after = [r for r in failed if r["start"] >= t1]
        out.update(failed=len(failed), in_flight=len(in_flight), failed_after_kill=len(after))
        if len(failed) > len(in_flight):
            problems.append(f"{len(failed)} failed > {len(in_flight)} in flight at the kill")
        if after:
            problems.append(f"{len(after)} requests sent after the kill failed")
    elif args.scenario == "pgdown":
        stop0, stop1, start0, back = at["stop0"], at["stop1"], at["start0"], at["back"]
        home_ok = [r for r in records if r["label"] == "home" and r["status"] == 200 and r["start"] > stop1]
        recovered = min((r["end"] for r in home_ok), default=None)
        if recovered is None:
            problems.append("no authenticated GET / answered 200 after the database came back")
            recovered = float("inf")
        recovery = max(0.0, recovered - back)
        out["recovery"] = f"{recovery:.3f}" if recovered != float("inf") else "never"
        out["recovery_from_start"] = f"{max(0.0, recovered - start0):.3f}" if recovered != float("inf") else "never"
        # Answers expected while the database is (going) down: 200 from before, 503 after.
        failed = []
        for r in records:
            overlaps_outage = r["end"] > stop0 and r["start"] < recovered
            if not ok(r, extra=(503,) if overlaps_outage else ()):
                failed.append(r)
        down = [r for r in records if r["start"] >= stop1 and r["end"] <= start0]
        down_longest = max((r["end"] - r["start"] for r in down), default=0.0)
        not_503 = [r for r in down if r["label"] in ("home", "health") and r["status"] != 503]
        health_down = [r for r in down if r["label"] == "health"]
        slow = [r for r in records if r["end"] - r["start"] > args.slow]
        late = [r for r in failed if r["start"] >= recovered]
        out.update(failed=len(failed), down_requests=len(down), down_longest=f"{down_longest:.3f}",
                   down_statuses=status_summary(down), not_503_while_down=len(not_503),
                   slow=len(slow), failed_after_recovery=len(late))
        if failed:
            problems.append(f"{len(failed)} answers neither the page nor 503 ({status_summary(failed)})")
        if not down or not health_down:
            problems.append("no request (or no /healthz) ran while the database was down")
        if not_503:
            problems.append(f"{len(not_503)} page or /healthz answers while down were not 503 ({status_summary(not_503)})")
        if slow:
            problems.append(f"{len(slow)} answers slower than {args.slow:g} s")
        if recovery > args.recovery:
            problems.append(f"recovery {out['recovery']} s > {args.recovery:g} s")
    elif args.scenario == "freeze":
        freeze, thaw = at["freeze"], at["thaw"]
        overlapping = [r for r in records if r["end"] > freeze and r["start"] < thaw]
        home_ok = [r for r in records if r["label"] == "home" and r["status"] == 200 and r["start"] >= thaw]
        recovered = min((r["end"] for r in home_ok), default=None)
        if recovered is not None:
            # Each worker process learns on its own (its probe thread) that the database
            # answers again, so 503 is expected until the last of them has: recovery runs
            # from the thaw to the last 503, or to the first 200 when none came after it.
            late_503 = [r["end"] for r in records if r["status"] == 503 and r["start"] >= thaw]
            recovered = max([recovered] + late_503)
        out["recovery"] = f"{recovered - thaw:.3f}" if recovered is not None else "never"
        until = recovered if recovered is not None else float("inf")
        outage = {id(r) for r in records if r["end"] > freeze and r["start"] < until}
        failed = [r for r in records if not ok(r, extra=(503,) if id(r) in outage else ())]
        slow = [r for r in records if r["end"] - r["start"] > args.slow]
        frozen_longest = max((r["end"] - r["start"] for r in overlapping), default=0.0)
        no_db = [r for r in overlapping if r["label"] == "page"]
        out.update(failed=len(failed), frozen_requests=len(overlapping), frozen_statuses=status_summary(overlapping),
                   frozen_longest=f"{frozen_longest:.3f}", slow=len(slow),
                   page_longest=f"{max((r['end'] - r['start'] for r in no_db), default=0.0):.3f}")
        if failed:
            problems.append(f"{len(failed)} answers neither the page nor 503 ({status_summary(failed)})")
        if slow:
            problems.append(f"{len(slow)} answers slower than {args.slow:g} s (longest {frozen_longest:.2f} s)")
        if recovered is None or recovered - thaw > args.recovery:
            problems.append(f"recovery {out['recovery']} s > {args.recovery:g} s")
    elif args.scenario == "term":
        t_term = at["term"]
        # A request the client sent a few milliseconds before SIGTERM can reach nginx's
        # upstream connect after it, when the socket is already gone (a 502 nginx logs as
        # connect() ENOENT): it never reached Gatehouse, so it was not in flight. The client
        # sees only its own send time, so 502s sent within `race` before SIGTERM count
        # with those sent after it.
        race = args.race
        raced = [r for r in records if t_term - race <= r["start"] < t_term and r["status"] == 502]
        before = [r for r in records if r["start"] < t_term and r not in raced]
        in_flight = [r for r in before if r["end"] > t_term]
        failed = [r for r in before if not ok(r)]
        after = [r for r in records if r["start"] >= t_term] + raced
        out.update(failed=len(failed), in_flight=len(in_flight), raced=len(raced),
                   sent_after_term=len(after), after_statuses=status_summary(after) or "-")
        if failed:
            problems.append(f"{len(failed)} requests sent before SIGTERM failed ({status_summary(failed)})")
        if not in_flight:
            problems.append("no request was in flight at SIGTERM (the scenario proved nothing)")
    else:  # hup, two, plain: every answer must be the expected one
        failed = [r for r in records if not ok(r)]
        out["failed"] = len(failed)
        if failed:
            problems.append(f"{len(failed)} failed requests ({status_summary(failed)})")
    if sent == 0:
        problems.append("no request was sent")
    out["verdict"] = "FAIL" if problems else "ok"
    out["why"] = "; ".join(problems)
    emit(**out)


# ------------------------------------------------------------------ process faults

def wait_replaced(supervisor, old, count, timeout):
    """Seconds until `count` children run and none of `old` is among them, or None."""
    started = time.time()
    while time.time() - started < timeout:
        now = children(supervisor)
        if len(now) == count and not set(now) & set(old):
            return time.time() - started, now
        time.sleep(0.005)
    return None, children(supervisor)


def kill_worker(args):
    before = children(args.supervisor)
    if not before:
        raise SystemExit("kill-worker: the supervisor has no worker")
    victim = before[0]
    kill0 = time.time()
    os.kill(victim, signal.SIGKILL)
    kill1 = time.time()
    replaced, now = wait_replaced(args.supervisor, [victim], len(before), args.timeout)
    emit(kill0=f"{kill0:.6f}", kill1=f"{kill1:.6f}", victim=victim, workers_before=len(before),
         replaced=f"{replaced:.3f}" if replaced is not None else "never", workers_after=",".join(map(str, now)))


def hup(args):
    before = children(args.supervisor)
    t = time.time()
    os.kill(args.supervisor, signal.SIGHUP)
    replaced, now = wait_replaced(args.supervisor, before, len(before), args.timeout)
    emit(hup=f"{t:.6f}", replaced=f"{replaced:.3f}" if replaced is not None else "never",
         workers_before=",".join(map(str, before)), workers_after=",".join(map(str, now)))


# ------------------------------------------------------------------ /metrics

def scrape(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/metrics", headers={"Host": "127.0.0.1", "Connection": "close"})
        response = connection.getresponse()
        body = response.read().decode()
        if response.status != 200:
            return None
    except Exception:
        return None
    finally:
        connection.close()
    values = {"requests": 0, "requests_5xx": 0}
    pid = None
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        base = name.split("{", 1)[0]
        if base == "gatehouse_requests_total":
            values["requests"] += int(float(value))
            if 'status="5' in name:
                values["requests_5xx"] += int(float(value))
        elif base == "gatehouse_database_errors_total":
            values["db_errors"] = int(float(value))
        elif base == "gatehouse_database_connects_total":
            values["db_connects"] = int(float(value))
        elif base == "gatehouse_worker_restarts_total":
            values["restarts"] = int(float(value))
        elif base == "gatehouse_sessions_live":
            values["sessions_live"] = int(float(value))
        elif base == "gatehouse_logins_total":
            values["logins"] = values.get("logins", 0) + int(float(value))
        elif base == "gatehouse_worker_info":
            pid = name.split('pid="', 1)[1].split('"', 1)[0]
    return pid, values


def metrics(args):
    """One scrape: every worker reports the counters of all of them."""
    deadline = time.time() + args.timeout
    got = scrape(args.port)
    while not got and time.time() < deadline:
        time.sleep(0.05)
        got = scrape(args.port)
    with open(args.out, "w") as f:
        json.dump(got[1] if got else {}, f)
    if not got:
        print("metrics: no scrape answered", file=sys.stderr)


def metrics_diff(args):
    with open(args.before) as f:
        before = json.load(f)
    with open(args.after) as f:
        after = json.load(f)
    delta = {key: after.get(key, 0) - before.get(key, 0)
             for key in ("requests", "requests_5xx", "db_errors", "db_connects", "logins")}
    print(f"requests +{delta['requests']} (5xx +{delta['requests_5xx']}), "
          f"db errors +{delta['db_errors']}, db connects +{delta['db_connects']}, "
          f"logins +{delta['logins']}, worker restarts {before.get('restarts', 0)}→{after.get('restarts', 0)}")


# ------------------------------------------------------------------ main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("free-port")
    p = sub.add_parser("load")
    p.add_argument("--out", required=True)
    p.add_argument("--spec", action="append", required=True)
    p.add_argument("--threads", type=int, default=6)
    p.add_argument("--seconds", type=float, default=30, help="hard bound on the run")
    p.add_argument("--max-requests", type=int, default=200000, help="hard bound on the count")
    p.add_argument("--stop-file")
    p.add_argument("--ready-file", help="created once the first answer (or failure) is in")
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--pause", type=float, default=0, help="seconds each thread sleeps between requests")
    p = sub.add_parser("analyze")
    p.add_argument("scenario", choices=["kill", "pgdown", "freeze", "hup", "term", "two", "plain"])
    p.add_argument("--records", required=True)
    p.add_argument("--at", action="append")
    p.add_argument("--slow", type=float, default=2.0)
    p.add_argument("--recovery", type=float, default=2.0)
    p.add_argument("--race", type=float, default=0.02, help="term: seconds before SIGTERM in which a 502 counts as sent after it")
    p = sub.add_parser("children")
    p.add_argument("supervisor", type=int)
    for name in ("kill-worker", "hup"):
        p = sub.add_parser(name)
        p.add_argument("supervisor", type=int)
        p.add_argument("--timeout", type=float, default=10)
    p = sub.add_parser("metrics")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--timeout", type=float, default=5)
    p = sub.add_parser("metrics-diff")
    p.add_argument("before")
    p.add_argument("after")
    args = parser.parse_args()

    if args.command == "free-port":
        print(free_port())
    elif args.command == "load":
        run_load(args)
    elif args.command == "analyze":
        analyze(args)
    elif args.command == "children":
        print(" ".join(map(str, children(args.supervisor))))
    elif args.command == "kill-worker":
        kill_worker(args)
    elif args.command == "hup":
        hup(args)
    elif args.command == "metrics":
        metrics(args)
    elif args.command == "metrics-diff":
        metrics_diff(args)


if __name__ == "__main__":
    main()
