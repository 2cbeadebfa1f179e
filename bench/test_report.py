"""bench/report.py against recorded wrk results (bench/testdata/wrk.tsv: a BENCH_QUICK run plus
a few made-up rows with errors and second repeats) and what the former awk report printed
for them (the other files in bench/testdata/), plus what was added since (issue 20's targets,
the session cache and statements per request from context.tsv's cache_* and probe_* rows).
Run by scripts/test.sh."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")


def lines(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return f.read().splitlines()


class ReportMatchesTheAwkReport(unittest.TestCase):
    def setUp(self):
        self.runs = []
        for text in lines("wrk.tsv"):
            scenario, target, conns, repeat, expect, rss, processes, load, others, bench = text.split("\t")
            self.runs.append(report.run_row(report.parse_bench_line(bench), scenario, target, conns, repeat,
                                            expect, rss, processes, load, others))
        self.context = report.read_context(os.path.join(DATA, "context.tsv"))

    def figures(self, pick):
        return report.Figures(self.runs, dict(self.context, pick=pick))

    def test_rows_and_progress_lines(self):
        self.assertEqual(["\t".join(r) for r in self.runs], lines("runs.tsv"))
        self.assertEqual([report.progress_line(r) for r in self.runs], lines("progress.txt"))

    def test_aggregate_table_targets_and_chart(self):
        figures = self.figures("mean")
        self.assertEqual(["\t".join(report.AGGREGATE_HEADER)] + ["\t".join(r) for r in figures.rows],
                         lines("aggregate.tsv"))
        for pick in ("mean", "best"):
            figures = self.figures(pick)
            self.assertEqual(report.render_table(figures) + [""] + report.render_targets(figures),
                             lines(f"summary-{pick}.txt"))
        self.assertEqual(report.render_markdown(self.figures("mean")), lines("latest.md"))
        self.assertEqual(report.chart_data(self.figures("mean")), lines("chart.dat"))


class IssueTwentyTargets(unittest.TestCase):
    """Signed-in pages: req/s at least 1.8× the floor's and p99 no higher than the floor's."""

    def targets(self, rps, p99):
        row = lambda scenario, target, rps, p99: [scenario, target, "8", "1", str(rps), "1", str(p99), "9",
                                                  "1000", "0", "0", "0", "-", "1000", "3", "1", "0"]
        runs = [row("home", "floor", 1000, 10), row("home", "gatehouse", rps, p99)]
        figures = report.Figures(runs, {"connections": "8", "startup_ms": "10"})
        return [line for line in report.render_targets(figures) if "GET / signed in c=8" in line]

    def test_met_at_the_bounds(self):
        self.assertEqual(self.targets(1800, 10), ["  - GET / signed in c=8: 1.80× req/s, 1.00× p99 — **met**"])

    def test_missed_just_below_or_above(self):
        self.assertIn("**missed**", self.targets(1799, 10)[0])
        self.assertIn("**missed**", self.targets(2500, 10.1)[0])


if __name__ == "__main__":
    unittest.main()


class FactorSignIn(unittest.TestCase):
    """The `factor` scenario's section: absent when it did not run, the added median when it did."""

    def test_absent_without_the_scenario(self):
        self.assertEqual(report.render_factor_signin({}), [])

    def test_added_median(self):
        lines = report.render_factor_signin({"factor_signin": "password\t10\t112.0\t130.5;password+totp\t10\t119.5\t140.0"})
        self.assertIn("| password | 10 | 112.0 | 130.5 |", lines)
        self.assertIn("| password+totp | 10 | 119.5 | 140.0 |", lines)
        self.assertIn("The code adds **7.5 ms** to the median sign-in.", lines)
