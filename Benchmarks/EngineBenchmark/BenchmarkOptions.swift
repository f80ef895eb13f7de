/// A command line the benchmark cannot run with.
struct UsageError: Error {
    /// What is wrong, in one sentence.
    var message: String
}

/// The benchmark's settings, from its command line.
struct BenchmarkOptions {
    /// How many host snapshots to generate and evaluate.
    var hosts = 10_000
    /// How many controls to generate.
    var controls = 200
    /// A directory of real control files to evaluate instead of generated controls (`--controls-dir`).
    var controlsDirectory: String?
    /// How many timed passes over all hosts to make.
    var repeats = 5
    /// The fewest evaluations a timed pass makes: a pass repeats rounds over the hosts until it has made them.
    var minimumPassEvaluations = 2_000_000
    /// The corpus seed; equal seeds give identical controls and hosts.
    var seed: UInt64 = 0xEDCA_2025
    /// The throughput the issue asks for, in control evaluations per second on one core.
    var target = 2_000_000.0
    /// Whether `--help` was given.
    var showsHelp = false

    /// The usage text.
    static let usage = """
        usage: edca-engine-benchmark [--hosts N] [--controls N | --controls-dir DIR] [--repeat N] [--seed N]
                                     [--quick]

        Evaluates N synthetic controls (or the controls of DIR) against N synthetic host snapshots on one thread
        and reports control evaluations per second (target: 2,000,000). Pin it to one core:
        taskset -c 0 edca-engine-benchmark

          --hosts N      host snapshots to generate (default 10000)
          --controls N   controls to generate (default 200)
          --controls-dir DIR
                         evaluate the control files of DIR (e.g. Controls), with host snapshots generated to
                         cover what they read, instead of generated controls
          --repeat N     timed passes over all hosts; the median is reported (default 5)
          --pass-evaluations N
                         the fewest evaluations in one timed pass, made by repeating rounds over the hosts when
                         controls x hosts is smaller (default 2000000)
          --seed N       corpus seed (default 0xEDCA2025); the same seed gives the same corpus
          --quick        CI smoke run: 1000 hosts, 1 pass
          --help         this text
        """

    /// Parses the arguments (without the program name); later options override earlier ones.
    static func parse(_ arguments: [String]) throws(UsageError) -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--quick":
                options.hosts = 1_000
                options.repeats = 1
            case "--help", "-h":
                options.showsHelp = true
            case "--controls-dir":
                guard let directory = remaining.popFirst() else {
                    throw UsageError(message: "--controls-dir needs a directory")
                }
                options.controlsDirectory = directory
            case "--hosts", "--controls", "--repeat", "--seed", "--pass-evaluations":
                guard let text = remaining.popFirst() else {
                    throw UsageError(message: "\(argument) needs a number")
                }
                let number = try positiveNumber(text, for: argument)
                switch argument {
                case "--hosts": options.hosts = number
                case "--controls": options.controls = number
                case "--repeat": options.repeats = number
                case "--pass-evaluations": options.minimumPassEvaluations = number
                default: options.seed = UInt64(number)
                }
            default:
                throw UsageError(message: "unknown option '\(argument)'")
            }
        }
        return options
    }

    private static func positiveNumber(_ text: String, for option: String) throws(UsageError) -> Int {
        let parsed =
            text.lowercased().hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text.filter { $0 != "_" })
        guard let number = parsed, number > 0 else {
            throw UsageError(message: "\(option) needs a positive whole number, found '\(text)'")
        }
        return number
    }
}
