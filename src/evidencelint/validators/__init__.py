"""Rules, one module per family. Each rule is a pure function of its inputs."""
