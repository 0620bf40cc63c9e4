// One timed round of node `jose` over keybound tokens.
// Usage: node jose_round.mjs NODE_DIR TOKENS_FILE JWK_FILE AUDIENCE
// Prints the verifications per second on stdout. The key is imported once,
// outside the timing; every token is fully verified (ES256 signature, typ,
// exp, iat, aud), one after another (awaited: one core's worth of work).
// The first 200 tokens warm up.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [nodeDir, tokensPath, jwkPath, audience] = process.argv.slice(2);
const require = createRequire(join(resolve(nodeDir), "package.json"));
const { importJWK, jwtVerify } = await import(pathToFileURL(require.resolve("jose")).href);

const tokens = readFileSync(tokensPath, "utf8").split("\n").filter((l) => l.length > 0);
const key = await importJWK(JSON.parse(readFileSync(jwkPath, "utf8")), "ES256");
const options = { algorithms: ["ES256"], audience, typ: "keybound+jwt", requiredClaims: ["exp", "iat", "jti"] };

for (const t of tokens.slice(0, 200)) await jwtVerify(t, key, options);
const start = process.hrtime.bigint();
for (const t of tokens) await jwtVerify(t, key, options);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log((tokens.length / seconds).toFixed(1));
