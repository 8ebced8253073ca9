import os from "node:os";

/** Node's names for CPU architectures mapped to Go's (what Nomad and container images use). */
const GO_ARCH: Readonly<Record<string, string>> = {
  x64: "amd64",
  ia32: "386",
  arm64: "arm64",
  arm: "arm",
  mips: "mips",
  mipsel: "mipsle",
  riscv64: "riscv64",
  s390x: "s390x",
  loong64: "loong64",
  ppc: "ppc",
};

/** Go-style architecture name for a Node `os.arch()` value. */
export function goArch(nodeArch: string, endianness: "BE" | "LE" = "LE"): string {
  if (nodeArch === "ppc64") return endianness === "LE" ? "ppc64le" : "ppc64";
  return GO_ARCH[nodeArch] ?? nodeArch;
}

/** Identity of the machine: architecture, OS, kernel release, host name. */
export function hostInfo() {
  return {
    arch: goArch(os.arch(), os.endianness()),
    os: os.platform(),
    kernel: os.release(),
    hostname: os.hostname(),
  };
}
