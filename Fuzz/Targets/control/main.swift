import EDCAFuzzing

FuzzDriver.main { start, count in
    FuzzTargets.control(FuzzDriver.bytes(start, count))
    return 0
}
