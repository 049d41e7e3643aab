// The admin half of Hydra's login dance, written once. TEST ONLY.
//
// Signing in through Hydra means answering its login and consent challenges through the admin
// API (acceptOAuth2LoginRequest, acceptOAuth2ConsentRequest). The support server
// (testenv/support/server.mjs) and the conformance suite's acceptor (end2end/conformance/run.mjs)
// do it when a browser is sent to them; testenv/ops/lib/flow.mjs (the ops tests and the bench)
// does it while following Hydra's redirects itself.
//
// `call(method, path, body)` is the caller's own admin-API client (its timeouts and error
// reporting stay the caller's); it resolves to an object with `status` and `json` (the parsed
// body, or null/undefined).
//
// `accept` is the accept body, or a function of Hydra's login/consent request (fetched first,
// GET) that returns it.
//
// Each resolves to { redirectTo } (where Hydra sends the browser next), or to
// { failed, res }: `failed` names the step ("getting the login request", "accepting the login
// request", and likewise for consent), `res` is Hydra's answer there.

const enc = encodeURIComponent;

async function acceptChallenge(kind, call, challenge, accept) {
  const query = `${kind}_challenge=${enc(challenge)}`;
  let body = accept;
  if (typeof accept === "function") {
    const got = await call("GET", `/admin/oauth2/auth/requests/${kind}?${query}`);
    if (got.status !== 200) return { failed: `getting the ${kind} request`, res: got };
    body = accept(got.json);
  }
  const res = await call("PUT", `/admin/oauth2/auth/requests/${kind}/accept?${query}`, body);
  if (res.status !== 200 || !res.json?.redirect_to) return { failed: `accepting the ${kind} request`, res };
  return { redirectTo: res.json.redirect_to };
}

/** Accepts a login challenge; see the top of this file. */
export const acceptLogin = (call, challenge, accept) => acceptChallenge("login", call, challenge, accept);

/** Accepts a consent challenge; see the top of this file. */
export const acceptConsent = (call, challenge, accept) => acceptChallenge("consent", call, challenge, accept);

/** A consent accept body granting what the client asked for, remembered (no expiry), plus `extra`. */
export function grantRequested(consentRequest, extra = {}) {
  return {
    grant_scope: consentRequest.requested_scope ?? [],
    grant_access_token_audience: consentRequest.requested_access_token_audience ?? [],
    remember: true,
    remember_for: 0,
    ...extra,
  };
}
