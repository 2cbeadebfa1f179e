@_cdecl("LLVMFuzzerTestOneInput")
public func f(_ d: UnsafePointer<UInt8>?, _ n: Int) -> Int32 { 0 }
