# The chart of bench/results/latest.svg: requests/s and p99 vs connections for Gatehouse
# and the floor, signed-in GET / (and Gatehouse's GET /auth/check).
#   gnuplot -e "has_check=1; datafile='chart.dat'; outfile='latest.svg'; subtitle='...'" bench/chart.gp
# datafile columns (tab-separated, NaN when absent): connections, Gatehouse GET / req/s,
# p99 ms, floor GET / req/s, p99 ms, Gatehouse /auth/check req/s, p99 ms.
set terminal svg size 1000,440 dynamic enhanced font "sans,12" background rgb "white"
set output outfile
set datafile separator "\t"
set datafile missing "NaN"
set multiplot layout 1,2 title "Gatehouse and the floor behind nginx, signed-in page views\n{/*0.75 ".subtitle."}"
set logscale x 2
set xrange [*:*] noextend
set offsets graph 0.08, graph 0.08, 0, 0
set xlabel "wrk connections"
set grid lc rgb "#dddddd"
set key bottom right
set yrange [0:*]
set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 0.9
set style line 2 lc rgb "#2ca02c" lw 2 pt 5 ps 0.9
set style line 3 lc rgb "#7f7f7f" lw 2 pt 9 ps 1.0 dt 2

# The /auth/check line only when that scenario ran (a column of NaN makes gnuplot warn).
check_rps = has_check ? "using 1:6 with linespoints ls 2 title 'Gatehouse GET /auth/check'" : "using 1:2 notitle with points pt -1"
check_p99 = has_check ? "using 1:7 with linespoints ls 2 title 'Gatehouse GET /auth/check'" : "using 1:3 notitle with points pt -1"

set ylabel "requests/s"
plot datafile using 1:2:xtic(1) with linespoints ls 1 title "Gatehouse GET /", \
     ""       using 1:4          with linespoints ls 3 title "floor GET /", \
     ""       @check_rps

set key top left Left reverse
set ylabel "p99 latency (ms)"
plot datafile using 1:3:xtic(1) with linespoints ls 1 title "Gatehouse GET /", \
     ""       using 1:5          with linespoints ls 3 title "floor GET /", \
     ""       @check_p99
unset multiplot
