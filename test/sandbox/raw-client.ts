/**
 * Plain HTTP against a running sandbox, shaped by hand the way clients send it (form posts to the OAuth
 * endpoints, bearer calls to Graph), so the tests see exactly what goes over the wire.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { httpsFetch } from "../../src/graph/https-fetch.js";
import { decodeJwt } from "../../src/sandbox/jwt.js";
import type { Sandbox } from "../../src/sandbox/server.js";

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export class RawClient {
  private readonly fetch: ReturnType<typeof httpsFetch>;

  constructor(readonly sandbox: Sandbox) {
    this.fetch = httpsFetch({ ca: sandbox.caPem });
  }

  async request(method: string, path: string, options: { form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body = options.body;
    if (options.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(options.form).toString();
    }
    const res = await this.fetch(`${this.sandbox.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = {};
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<RawResponse> {
    return this.request("POST", path, { form, ...(headers ? { headers } : {}) });
  }

  get(path: string): Promise<RawResponse> {
    return this.request("GET", path);
  }

  /** A Graph write that needs Application.ReadWrite.All: create an application; returns its appId or the status. */
  async createApplication(token: string): Promise<{ status: number; appId?: string }> {
    const res = await this.request("POST", "/v1.0/applications", {
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ displayName: `raw-client-${randomUUID().slice(0, 8)}` }),
    });
    return { status: res.status, ...(typeof res.json["appId"] === "string" ? { appId: res.json["appId"] } : {}) };
  }

  /** Asserts the app now exists in the tenant (the fake's own inspector, not the response). */
  expectApplicationInTenant(tenantId: string, appId: string | undefined): void {
    expect(appId).toBeDefined();
    expect(this.sandbox.fake.tenant(tenantId)?.applicationByAppId(appId ?? "")).toBeDefined();
  }
}

export function claimsOf(token: unknown): Record<string, unknown> {
  const payload = typeof token === "string" ? decodeJwt(token)?.payload : undefined;
  if (!payload) throw new Error("not a JWT");
  return payload;
}

export function scp(token: unknown): string[] {
  return String(claimsOf(token)["scp"] ?? "").split(" ").filter((s) => s.length > 0);
}

/** Entra's error body: error, error_description starting with the code, error_codes, timestamp, trace and correlation ids. */
export function expectAadsts(res: RawResponse, status: number, error: string, code: number): void {
  expect({ status: res.status, error: res.json["error"], codes: res.json["error_codes"] }, res.text).toEqual({ status, error, codes: [code] });
  expect(String(res.json["error_description"])).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(res.json["timestamp"]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(res.json["trace_id"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.json["correlation_id"]).toMatch(/^[0-9a-f-]{36}$/);
}
