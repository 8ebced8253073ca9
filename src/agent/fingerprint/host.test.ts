import { describe, expect, it } from "vitest";
import { goArch, hostInfo } from "./host.js";

describe("goArch", () => {
  it("maps Node architecture names to Go's", () => {
    expect(goArch("x64")).toBe("amd64");
    expect(goArch("arm64")).toBe("arm64");
    expect(goArch("ia32")).toBe("386");
    expect(goArch("mipsel")).toBe("mipsle");
    expect(goArch("ppc64", "LE")).toBe("ppc64le");
    expect(goArch("ppc64", "BE")).toBe("ppc64");
    expect(goArch("something-new")).toBe("something-new");
  });
});

describe("hostInfo", () => {
  it("describes this machine", () => {
    const info = hostInfo();
    expect(info.arch).not.toBe("x64");
    expect(info.os).toBe(process.platform);
    expect(info.kernel).not.toBe("");
    expect(info.hostname).not.toBe("");
  });
});
