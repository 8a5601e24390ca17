print("pushgate-bench: no workloads yet")
