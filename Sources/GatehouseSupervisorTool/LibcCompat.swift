import CSupervisorLibc

// What Swift's Glibc overlay provides and a plain C import of libc does not.

/// errno (a macro in C).
var errno: Int32 { gatehouse_errno() }

/// The environment (a global C variable, which Swift 6 will not read unchecked).
var environ: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> { gatehouse_environ() }
