/** A parsed X.509 certificate: what the tool needs to register it and to recognise it later. */
export interface CertificateInfo {
  /** The certificate, DER. */
  der: Uint8Array;
  /** The certificate, PEM. */
  pem: string;
  /** SHA-1 of the DER, upper-case hex (40 chars): Graph's customKeyIdentifier and the portal's "Thumbprint". */
  thumbprint: string;
  /** SHA-256 of the DER, upper-case hex (64 chars). */
  thumbprintSha256: string;
  /** e.g. "CN=Xops-App"; several RDNs are joined with ", ". */
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

/** A certificate this tool generated; the private key stays local (never sent to Graph). */
export interface GeneratedCertificate extends CertificateInfo {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

/** The body of one application keyCredentials entry ("keyCredential resource type", Graph v1.0 reference). */
export interface KeyCredentialInput {
  type: "AsymmetricX509Cert";
  usage: "Verify";
  /** base64 of the certificate DER. */
  key: string;
  displayName: string;
  startDateTime: string;
  endDateTime: string;
}
