import Gatehouse
import Glibc

// `gatehouse COMMAND ... [--env-file PATH]`: see `CommandLineTool.usage`.
exit(CommandLineTool.run(Array(CommandLine.arguments.dropFirst())))
