import Glibc

/// How long a piece of work took, by the wall clock and by CPU time.
struct Measurement {
    /// Elapsed time by `ContinuousClock`, in seconds.
    var wallSeconds: Double
    /// CPU time of the measuring thread, from `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, in seconds.
    var threadCPUSeconds: Double
    /// User plus system CPU time of the whole process, from `getrusage(RUSAGE_SELF)`, in seconds.
    var processCPUSeconds: Double
}

/// Runs `body` once and measures it.
func measure<Result>(_ body: () -> Result) -> (Result, Measurement) {
    let clock = ContinuousClock()
    let processBefore = ProcessUsage.current()
    let threadBefore = threadCPUSeconds()
    let start = clock.now
    let result = body()
    let wall = start.duration(to: clock.now)
    let threadAfter = threadCPUSeconds()
    let processAfter = ProcessUsage.current()
    return (
        result,
        Measurement(
            wallSeconds: wall.seconds, threadCPUSeconds: threadAfter - threadBefore,
            processCPUSeconds: processAfter.cpuSeconds - processBefore.cpuSeconds)
    )
}

/// CPU time the calling thread has used, from `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
func threadCPUSeconds() -> Double {
    var time = timespec()
    guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The process's resource usage so far, from `getrusage(RUSAGE_SELF)`.
struct ProcessUsage {
    /// User CPU time, in seconds.
    var userSeconds: Double
    /// System CPU time, in seconds.
    var systemSeconds: Double
    /// The peak resident set size, in KiB.
    var maxResidentKiB: Int

    /// User plus system CPU time.
    var cpuSeconds: Double { userSeconds + systemSeconds }

    /// The usage now.
    static func current() -> ProcessUsage {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else {
            return ProcessUsage(userSeconds: 0, systemSeconds: 0, maxResidentKiB: 0)
        }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ProcessUsage(
            userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime),
            maxResidentKiB: Int(usage.ru_maxrss))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

/// The CPUs this process may run on, as `/proc/self/status` lists them (`Cpus_allowed_list`), e.g. `0` under
/// `taskset -c 0`, or nil when that cannot be read.
func allowedCPUList() -> String? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    let prefix = "Cpus_allowed_list:"
    var buffer = [CChar](repeating: 0, count: 512)
    while fgets(&buffer, Int32(buffer.count), file) != nil {
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count).filter { !$0.isWhitespace })
        }
    }
    return nil
}
