"""faults/tool.py select: the filters the scenario files judge with, over a few made-up
records. Run by scripts/test.sh."""
import os
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tool.py")

RECORDS = """# expected {"home": "200", "health": "200"}
home\t10.0\t10.5\t200\t-
home\t11.0\t13.0\t503\t-
health\t12.0\t12.1\t503\t-
home\t14.0\t14.2\t200\t-
home\t14.5\t15.0\t0\tConnectionRefusedError
"""


class Select(unittest.TestCase):
    def setUp(self):
        handle, self.path = tempfile.mkstemp()
        with os.fdopen(handle, "w") as f:
            f.write(RECORDS)

    def tearDown(self):
        os.unlink(self.path)

    def select(self, *filters):
        out = subprocess.run([sys.executable, TOOL, "select", "x", "--records", self.path, *filters],
                             check=True, capture_output=True, text=True).stdout
        return dict(line.split("=", 1) for line in out.splitlines())

    def test_every_record_summed_up(self):
        self.assertEqual(self.select(), {"x": "5", "x_longest": "2.000", "x_statuses": "200:2,503:2,ConnectionRefusedError:1",
                                         "x_first_end": "10.500000", "x_last_end": "15.000000"})

    def test_unexpected_and_statuses(self):
        self.assertEqual(self.select("--unexpected")["x"], "3")
        self.assertEqual(self.select("--unexpected", "--not-status", "503")["x_statuses"], "ConnectionRefusedError:1")
        self.assertEqual(self.select("--status", "200", "--label", "home")["x"], "2")
        self.assertEqual(self.select("--label", "health")["x_statuses"], "503:1")

    def test_time_windows(self):
        self.assertEqual(self.select("--started-after", "11", "--started-before", "14")["x"], "2")
        self.assertEqual(self.select("--ended-after", "13", "--ended-before", "14.2")["x"], "1")
        self.assertEqual(self.select("--overlapping", "12.5:14.1")["x"], "2")
        self.assertEqual(self.select("--overlapping", "14.1:")["x"], "2")
        self.assertEqual(self.select("--not-overlapping", "10.6:14.1")["x"], "2")
        self.assertEqual(self.select("--slower-than", "0.4")["x"], "3")

    def test_nothing_selected(self):
        self.assertEqual(self.select("--status", "404"), {"x": "0", "x_longest": "0.000", "x_statuses": "-",
                                                         "x_first_end": "none", "x_last_end": "none"})


if __name__ == "__main__":
    unittest.main()
