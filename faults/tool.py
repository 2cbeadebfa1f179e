#!/usr/bin/env python3
"""Helpers for scripts/faults.sh and scripts/soak.sh (standard library only).

    tool.py free-port
    tool.py load --out FILE --spec LABEL|PORT|METHOD|PATH|COOKIE|EXPECTED [--spec ...]
                 [--threads N] [--seconds MAX] [--max-requests N] [--stop-file F] [--ready-file F]
    tool.py select NAME --records FILE [--label L] [--status S] [--unexpected] [--started-after T] ...
    tool.py children PID
    tool.py kill-worker PID          kill -9 one worker, time its replacement
    tool.py hup PID                  SIGHUP, time the replacement of every worker
    tool.py metrics --port P --out FILE
    tool.py metrics-diff BEFORE AFTER

Every load request goes to 127.0.0.1 on a new connection (nginx's keep-alive would only
hide a connection error behind the next request) and is recorded as one line:
    label  start  end  status  error        (epoch seconds; status 0 = no HTTP answer)
`select`, `kill-worker` and `hup` print key=value lines, which scripts/faults.sh sets as
shell variables (its results()). They only measure: each scenario's bounds and verdict are
in its own file, faults/scenarios/N-name.sh.
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


# ------------------------------------------------------------------ selecting records

def time_window(text):
    """"T0:T1" as two epoch seconds; either side may be empty (open)."""
    low, _, high = text.partition(":")
    return float(low) if low else float("-inf"), float(high) if high else float("inf")


def select(args):
    """The records matching every filter given, summed up as NAME=count, NAME_longest,
    NAME_statuses, NAME_first_end and NAME_last_end (the scenario files judge them)."""
    expected, records = read_records(args.records)
    chosen = []
    for r in records:
        if args.label and r["label"] not in args.label:
            continue
        if args.status and r["status"] not in args.status:
            continue
        if args.not_status and r["status"] in args.not_status:
            continue
        if args.unexpected and r["status"] in expected.get(r["label"], set()):
            continue
        if args.started_after is not None and r["start"] < args.started_after:
            continue
        if args.started_before is not None and r["start"] >= args.started_before:
            continue
        if args.ended_after is not None and r["end"] <= args.ended_after:
            continue
        if args.ended_before is not None and r["end"] > args.ended_before:
            continue
        if args.overlapping and not (r["end"] > args.overlapping[0] and r["start"] < args.overlapping[1]):
            continue
        if args.not_overlapping and (r["end"] > args.not_overlapping[0] and r["start"] < args.not_overlapping[1]):
            continue
        if args.slower_than is not None and r["end"] - r["start"] <= args.slower_than:
            continue
        chosen.append(r)
    name = args.name
    emit(**{name: len(chosen),
            f"{name}_longest": "%.3f" % max((r["end"] - r["start"] for r in chosen), default=0.0),
            f"{name}_statuses": status_summary(chosen) or "-",
            f"{name}_first_end": "%.6f" % min(r["end"] for r in chosen) if chosen else "none",
            f"{name}_last_end": "%.6f" % max(r["end"] for r in chosen) if chosen else "none"})


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
    p = sub.add_parser("select")
    p.add_argument("name", help="prefix of the printed keys")
    p.add_argument("--records", required=True)
    p.add_argument("--label", action="append", help="any of these labels")
    p.add_argument("--status", type=int, action="append", help="any of these statuses (0: no answer)")
    p.add_argument("--not-status", type=int, action="append")
    p.add_argument("--unexpected", action="store_true", help="a status its spec did not expect")
    for option in ("--started-after", "--started-before", "--ended-after", "--ended-before", "--slower-than"):
        p.add_argument(option, type=float)
    p.add_argument("--overlapping", type=time_window, help="T0:T1, ended after T0 and started before T1")
    p.add_argument("--not-overlapping", type=time_window)
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
    elif args.command == "select":
        select(args)
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
