import { describe, expect, it } from "vitest";
import * as der from "../../src/cert/der.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("DER encodings (X.690)", () => {
  it("lengths: short form below 128, then the fewest length bytes", () => {
    expect(hex(der.octetString(Buffer.alloc(127))).slice(0, 4)).toBe("047f");
    expect(hex(der.octetString(Buffer.alloc(128))).slice(0, 6)).toBe("048180");
    expect(hex(der.octetString(Buffer.alloc(256))).slice(0, 8)).toBe("04820100");
    expect(hex(der.octetString(Buffer.alloc(70_000))).slice(0, 10)).toBe("0483011170");
  });

  it("INTEGERs stay positive and minimal", () => {
    expect(hex(der.smallInteger(2))).toBe("020102");
    expect(hex(der.unsignedInteger(Buffer.from([0x80])))).toBe("02020080");
    expect(hex(der.unsignedInteger(Buffer.from([0x00, 0x00, 0x7f])))).toBe("02017f");
    expect(hex(der.unsignedInteger(Buffer.from([0x00])))).toBe("020100");
  });

  it("OBJECT IDENTIFIERs in base 128", () => {
    expect(hex(der.oid("2.5.4.3"))).toBe("0603550403");
    expect(hex(der.oid("1.2.840.113549.1.1.11"))).toBe("06092a864886f70d01010b");
    expect(hex(der.oid("1.3.6.1.5.5.7.3.2"))).toBe("06082b06010505070302");
  });

  it("named bit strings drop trailing zero bits", () => {
    expect(hex(der.namedBits([0]))).toBe("03020780"); // digitalSignature
    expect(hex(der.namedBits([0, 2, 5]))).toBe("030202a4"); // + keyEncipherment + keyCertSign
    expect(hex(der.namedBits([8]))).toBe("0303070080");
  });

  it("times: UTCTime for 1950-2049, GeneralizedTime outside, to the second in UTC", () => {
    expect(Buffer.from(der.time(new Date("2049-12-31T23:59:59.900Z"))).toString("latin1")).toBe("\x17\x0d491231235959Z");
    expect(Buffer.from(der.time(new Date("2050-01-01T00:00:00Z"))).toString("latin1")).toBe("\x18\x0f20500101000000Z");
    expect(Buffer.from(der.time(new Date("1949-06-01T08:00:00Z"))).toString("latin1")).toBe("\x18\x0f19490601080000Z");
  });

  it("booleans, NULL, explicit and implicit tags", () => {
    expect(hex(der.boolean(true))).toBe("0101ff");
    expect(hex(der.nullValue())).toBe("0500");
    expect(hex(der.explicit(3, der.sequence()))).toBe("a3023000");
    expect(hex(der.implicitPrimitive(7, Buffer.from([127, 0, 0, 1])))).toBe("87047f000001");
  });
});
