/// The edca-agent command line.
