import Gatehouse
import Glibc

// `gatehouse [--env-file PATH] COMMAND ...`: see `Usage.text`.
exit(CommandLineTool.run(Array(CommandLine.arguments.dropFirst())))
