/// Placeholder until the simulator lands.
print("edca-lab-host")
