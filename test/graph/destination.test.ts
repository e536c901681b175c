/** Where the admin's token may go: the Graph host policy, host by host. */
import { describe, expect, it } from "vitest";
import { assertSafeTransport, checkGraphDestination, checkSandboxUrl, isLoopbackHost } from "../../src/graph/destination.js";
import { InputError } from "../../src/shared/errors.js";

const refused = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
};

describe("checkGraphDestination", () => {
  it.each([
    ["https://graph.microsoft.com", "microsoft", "https://graph.microsoft.com"],
    ["https://graph.microsoft.com/v1.0/", "microsoft", "https://graph.microsoft.com"],
    ["https://GRAPH.microsoft.us", "microsoft", "https://graph.microsoft.us"],
    ["https://dod-graph.microsoft.us", "microsoft", "https://dod-graph.microsoft.us"],
    ["https://microsoftgraph.chinacloudapi.cn", "microsoft", "https://microsoftgraph.chinacloudapi.cn"],
    ["http://127.0.0.1:4010", "loopback", "http://127.0.0.1:4010"],
    ["http://127.1:4010", "loopback", "http://127.0.0.1:4010"],
    ["http://127.42.0.9", "loopback", "http://127.42.0.9"],
    ["http://[::1]:8080/", "loopback", "http://[::1]:8080"],
    ["http://localhost:4010/v1.0", "loopback", "http://localhost:4010"],
    ["https://localhost:4010", "loopback", "https://localhost:4010"],
  ])("%s is accepted without a flag (%s)", (raw, kind, root) => {
    expect(checkGraphDestination(raw, "--graph-url")).toEqual({ root, host: new URL(root).hostname, kind });
  });

  it.each([
    ["http://192.0.2.2:8080", /plain HTTP to 192\.0\.2\.2/],
    ["http://graph.microsoft.com", /plain HTTP to graph\.microsoft\.com/],
    ["http://localhost.example.com", /plain HTTP/],
    ["http://127.0.0.1.nip.io", /plain HTTP/],
    ["https://graph.example.com", /would go to graph\.example\.com.*--allow-graph-host graph\.example\.com/],
    ["https://graph.microsoft.com.example.com", /would go to graph\.microsoft\.com\.example\.com/],
    ["https://user:pw@graph.microsoft.com", /user name or password/],
    ["ftp://127.0.0.1", /must be http\(s\)/],
    ["graph.microsoft.com", /is not a URL/],
  ])("%s is refused", (raw, message) => {
    expect(refused(() => checkGraphDestination(raw, "--graph-url"))).toMatch(message);
  });

  it("--allow-graph-host lets an https host through, by exact host, and never plain HTTP", () => {
    expect(checkGraphDestination("https://proxy.contoso.com:8443", "--graph-url", "proxy.contoso.com").kind).toBe("allowed");
    expect(checkGraphDestination("https://proxy.contoso.com:8443", "--graph-url", "proxy.contoso.com:8443").kind).toBe("allowed");
    expect(refused(() => checkGraphDestination("https://proxy.contoso.com", "--graph-url", "contoso.com"))).toMatch(/does not match the Graph host proxy\.contoso\.com/);
    expect(refused(() => checkGraphDestination("http://192.0.2.2:8080", "--graph-url", "192.0.2.2"))).toMatch(/plain HTTP/);
  });

  it("names where the URL came from", () => {
    expect(refused(() => checkGraphDestination("http://192.0.2.2", "ENTRA_ONBOARD_GRAPH_URL"))).toMatch(/^ENTRA_ONBOARD_GRAPH_URL /);
  });
});

describe("checkSandboxUrl and the transport backstop", () => {
  it("accepts only https on loopback for the sandbox", () => {
    expect(checkSandboxUrl("https://127.0.0.1:4443/")).toBe("https://127.0.0.1:4443");
    expect(checkSandboxUrl("https://localhost:4443")).toBe("https://localhost:4443");
    for (const raw of ["https://192.0.2.2:4443", "http://127.0.0.1:4443", "https://sandbox.example.com"]) {
      expect(refused(() => checkSandboxUrl(raw))).toMatch(/loopback/);
    }
  });

  it("refuses plain HTTP off loopback for any Graph client", () => {
    expect(() => assertSafeTransport("http://127.0.0.1:1")).not.toThrow();
    expect(() => assertSafeTransport("https://graph.example.com")).not.toThrow();
    expect(refused(() => assertSafeTransport("http://192.0.2.2:8080"))).toMatch(/plain HTTP to 192\.0\.2\.2/);
  });

  it("knows loopback", () => {
    expect(["127.0.0.1", "127.255.255.254", "[::1]", "::1", "LOCALHOST"].every(isLoopbackHost)).toBe(true);
    expect(["128.0.0.1", "10.0.0.1", "localhost.", "::2", "[::ffff:7f00:1]"].some(isLoopbackHost)).toBe(false);
  });
});
