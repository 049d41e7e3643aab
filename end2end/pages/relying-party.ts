import { randomInt } from "node:crypto";
import { expect, type APIRequestContext, type Page, type Response, type TestInfo } from "@playwright/test";
import { HYDRA_PUBLIC_URL, SUPPORT_URL } from "./urls";

/** One entry of `GET /support/logins` (the auto-acceptor's record of Hydra login requests). */
export interface LoginRecord {
  skip: boolean;
  subject: string;
  client_id: string | null;
  session_id: string | null;
  received_at: string;
}

/** One back-channel logout token received by a sample RP (`GET /rp/{name}/events`). */
export interface BackchannelRecord {
  logout_token: string;
  received_at: string;
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  verification: { ok: boolean; errors: string[] };
}

export interface RpEvents {
  client_id: string;
  backchannel: BackchannelRecord[];
  frontchannel: { iss: string | null; sid: string | null; received_at: string }[];
  session: { sid: string | null; subject: string } | null;
}

/** What the RP shows after signing in. */
export interface SignedIn {
  subject: string;
  /** Hydra's session id (the ID token's `sid`), as shown by the RP. */
  sid: string;
}

/** What happened when the RP started RP-initiated logout. */
export interface SignOutStarted {
  /** The final response of the navigation (our /logout page, normally). */
  response: Response | null;
  /** The `state` the RP put on Hydra's logout URL. */
  state: string;
}

// Lower-case letters and digits without "f": a name containing "fc" would give the
// client a front-channel logout URI (testenv/README.md), which changes Hydra's flow.
const NAME_ALPHABET = "abcdeghijklmnopqrstuvwxyz0123456789";

/**
 * A name for a sample relying party that no other test uses, so tests never share
 * a Hydra client, RP session or recorded events: `e2e-{project}-{tag}-{random}`.
 * With `frontChannel: true` the name is `e2e-{project}-{tag}-fc-{random}`: the
 * support server then registers a front-channel logout URI for the client.
 */
export function uniqueRpName(testInfo: TestInfo, tag: string, options: { frontChannel?: boolean } = {}): string {
  let random = "";
  for (let i = 0; i < 10; i += 1) random += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  const base = `e2e-${testInfo.project.name}-${tag}`.toLowerCase();
  if (base.includes("fc")) throw new Error(`unusable relying party tag ${tag}: "fc" is reserved for front-channel clients`);
  const name = options.frontChannel ? `${base}-fc-${random}` : `${base}-${random}`;
  if (!/^[a-z0-9-]{1,64}$/.test(name)) {
    throw new Error(`unusable relying party name ${name}`);
  }
  return name;
}

/**
 * Query parameters of `/rp/{name}/start` that update the RP's Hydra client before
 * signing in (testenv/README.md).
 */
export interface ClientSettings {
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  skip_logout_consent?: boolean;
}

/**
 * A sample OpenID Connect relying party of the support server (`/rp/{name}/…`),
 * driven through the test's browser page, plus its inspection API.
 */
export class RelyingParty {
  readonly clientId: string;
  /** Hydra's `client_name` of the RP's client, e.g. "Sample App E2e-js-out-…". */
  readonly clientName: string;

  constructor(
    private readonly page: Page,
    private readonly request: APIRequestContext,
    readonly name: string,
  ) {
    this.clientId = `rp-${name}`;
    this.clientName = `Sample App ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  }

  url(suffix = ""): string {
    return `${SUPPORT_URL}/rp/${this.name}/${suffix}`;
  }

  /** The RP's post_logout_redirect_uri (registered with Hydra). */
  get loggedOutUrl(): string {
    return this.url("logged-out");
  }

  /** `#subject` on the RP's home page. */
  get subject() {
    return this.page.locator("#subject");
  }

  /** `#state` on the RP's logged-out page: the state it received back. */
  get returnedState() {
    return this.page.locator("#state");
  }

  /** `#state-check` on the RP's logged-out page: issued / unknown / none. */
  get stateCheck() {
    return this.page.locator("#state-check");
  }

  /**
   * Starts an authorization request in the browser and follows Hydra's code flow
   * through the auto-acceptor back to the RP's home page. `client` updates the
   * RP's Hydra client first (name, URIs, skip_logout_consent).
   */
  async signIn(expectedSubject = "alice", client: ClientSettings = {}): Promise<SignedIn> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(client)) {
      if (v !== undefined) query.set(k, String(v));
    }
    const search = query.toString();
    await this.page.goto(search ? `${this.url("start")}?${search}` : this.url("start"));
    await expect(this.page).toHaveURL(this.url());
    await expect(this.subject).toHaveText(expectedSubject);
    const sid = (await this.page.locator("#sid").textContent())?.trim() ?? "";
    expect(sid, "the RP shows Hydra's session id (sid)").not.toBe("");
    return { subject: expectedSubject, sid };
  }

  /**
   * Starts RP-initiated logout (`/rp/{name}/logout`): the RP redirects to Hydra's
   * logout endpoint with id_token_hint, post_logout_redirect_uri and a fresh state,
   * and Hydra redirects to the logout UI. `query` is passed to `/rp/{name}/logout`,
   * e.g. `{ ui_locales: "ja" }` (the RP forwards it to Hydra's logout URL).
   */
  async signOutStart(query: Record<string, string> = {}): Promise<SignOutStarted> {
    const search = new URLSearchParams(query).toString();
    const response = await this.page.goto(search ? `${this.url("logout")}?${search}` : this.url("logout"));
    // Find Hydra's logout URL in the redirect chain to learn the state the RP issued.
    let state: string | null = null;
    for (let req = response?.request() ?? null; req; req = req.redirectedFrom()) {
      const u = new URL(req.url());
      if (u.origin === HYDRA_PUBLIC_URL && u.pathname === "/oauth2/sessions/logout" && u.searchParams.has("state")) {
        state = u.searchParams.get("state");
      }
    }
    expect(state, "the RP sent a state to Hydra's logout endpoint").toBeTruthy();
    return { response, state: state as string };
  }

  /** The RP's recorded back-channel and front-channel logout notifications. */
  async events(): Promise<RpEvents> {
    const res = await this.request.get(this.url("events"));
    expect(res.status()).toBe(200);
    return (await res.json()) as RpEvents;
  }

  /** Hydra login requests seen by the auto-acceptor for this RP's client, oldest first. */
  async logins(): Promise<LoginRecord[]> {
    const res = await this.request.get(`${SUPPORT_URL}/support/logins`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { logins: LoginRecord[] };
    return body.logins.filter((l) => l.client_id === this.clientId);
  }

  /**
   * Runs `action` (normally a new authorization request) and returns the one login
   * request Hydra made for this client meanwhile.
   */
  async loginDuring(action: () => Promise<unknown>): Promise<LoginRecord> {
    const before = await this.logins();
    await action();
    const after = await this.logins();
    // The list is bounded (last 200 overall); compare by content, not only by length.
    const seen = new Set(before.map((l) => JSON.stringify(l)));
    const added = after.filter((l) => !seen.has(JSON.stringify(l)));
    expect(added, `exactly one new login request for ${this.clientId}`).toHaveLength(1);
    return added[0];
  }

  /**
   * Polls (bounded) until a back-channel logout token arrives; returns the first one.
   * With `sid`, only tokens for that Hydra session count (for RPs whose name is
   * fixed, so earlier runs may have left records).
   */
  async waitForBackchannel(timeoutMs = 10_000, sid?: string): Promise<BackchannelRecord> {
    let records: BackchannelRecord[] = [];
    await expect
      .poll(
        async () => {
          records = (await this.events()).backchannel.filter((r) => sid === undefined || r.claims?.sid === sid);
          return records.length;
        },
        { message: `a back-channel logout token reaches ${this.name}`, timeout: timeoutMs, intervals: [100, 250, 500] },
      )
      .toBeGreaterThan(0);
    return records[0];
  }

  /** Polls (bounded) until the front-channel logout URI was loaded; returns the first call. */
  async waitForFrontchannel(timeoutMs = 10_000): Promise<RpEvents["frontchannel"][number]> {
    let calls: RpEvents["frontchannel"] = [];
    await expect
      .poll(
        async () => {
          calls = (await this.events()).frontchannel;
          return calls.length;
        },
        { message: `the front-channel logout URI of ${this.name} is loaded`, timeout: timeoutMs, intervals: [100, 250, 500] },
      )
      .toBeGreaterThan(0);
    return calls[0];
  }

  /** Asserts that no back-channel logout token arrives within `ms` (checked repeatedly). */
  async expectNoBackchannel(ms = 3_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const { backchannel } = await this.events();
      expect(backchannel, `no back-channel logout token for ${this.name}`).toEqual([]);
      if (Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
