import Foundation

#if FUZZING
    import CLibFuzzer
#endif

/// The `main` of every fuzz executable.
///
/// Built by `scripts/fuzz` (`-sanitize=fuzzer,address -DFUZZING`), it hands control to libFuzzer's driver, which
/// takes libFuzzer's usual arguments (corpus directories, `-max_total_time=`, ...). Built normally, as `swift build`
/// does, it replays the files and directories given as arguments once each, so the targets always compile and a
/// saved crash input can be rerun under a debugger.
package enum FuzzDriver {
    /// libFuzzer's per-input callback: it must not capture anything, and returns 0.
    package typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs the fuzzer, or replays inputs, and exits.
    package static func main(_ testOneInput: TestOneInput) -> Never {
        #if FUZZING
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
        #else
            var replayed = 0
            for path in CommandLine.arguments.dropFirst() {
                for file in files(at: path) {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                        exit(66)
                    }
                    _ = data.withUnsafeBytes { testOneInput($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
                    replayed += 1
                }
            }
            print("replayed \(replayed) inputs without a crash (not a fuzzing build: see scripts/fuzz)")
            exit(0)
        #endif
    }

    /// `path` itself, or the regular files directly inside it when it is a directory.
    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}

extension FuzzDriver {
    /// The `count` bytes at `start`, copied (libFuzzer may pass `nil` for an empty input).
    package static func bytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let start, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: start, count: count))
    }
}
