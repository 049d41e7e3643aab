page-title = Sign out
loading = Loading…
continuing = Continuing…
prompt-title-app = Sign out of { $app }?
prompt-title = Sign out?
prompt-signed-in-as = You are signed in as { $subject }.
button-sign-out = Sign out
button-sign-out-everywhere = Sign out everywhere
button-app-only = Sign out of { $app } only
button-cancel = Cancel
decision-failed = We could not complete your choice. Please try again.
link-app = Visit the app
link-privacy = Privacy policy
link-terms = Terms of service
action-try-again = Try again
action-restart = Start signing out again
action-home = Go to the home page
error-bad_request-title = Incomplete sign-out link
error-bad_request = This sign-out link is incomplete. Please start signing out again from the app you were using.
error-not_found-title = Sign-out link not valid
error-not_found = This sign-out link is not valid. It may have been used already.
error-expired-title = Sign-out link expired
error-expired = This sign-out link has expired. Please start signing out again.
error-unavailable-title = Temporarily unavailable
error-unavailable = Signing out is temporarily unavailable. Please try again in a moment.
error-forbidden-title = Request not verified
error-forbidden = This request could not be verified. Please reload the sign-out page and try again.
error-inconsistent-title = Sign-out link inconsistent
error-inconsistent = This sign-out link names a different app than the one that asked to sign you out. For your safety, nothing was signed out here. Please return to the app you were using.
error-page_not_found-title = Page not found
error-page_not_found = There is nothing at this address.
error-transport-title = Something went wrong
error-transport = Something went wrong while sending your choice. Please try again.
logged-out-title = You have signed out
logged-out = You can close this window.
stayed-title = You are still signed in
stayed = Nothing was changed. You can close this window.
stayed-app-title = You are still signed in to your other apps
stayed-app = Nothing else was signed out. You can close this window.
oauth-error-title = Something went wrong
oauth-error = The sign-in service reported a problem. Please return to the app and try again.
oauth-error-code = Error code:
oauth-error-logout-unidentified = The app did not say who is signing out, so it cannot take you back. You can still sign out here; you will be asked to confirm.
support = Need help?
prompt-explain = Signing out ends your session on this device for every app that uses this account.
prompt-explain-app = “Sign out everywhere” ends your session on this device for every app that uses this account. “Sign out of { $app } only” ends { $app }’s access on all your devices and keeps you signed in to your other apps.
prompt-explain-app-keep = “Sign out everywhere” ends your session on this device for every app that uses this account. “Sign out of { $app } only” keeps you signed in to your other apps.

# Issue 15: the sign-out link's deadline (Hydra's expires_at), server-rendered.
prompt-expires-in = { $minutes ->
    [one] This link expires in 1 minute.
   *[other] This link expires in { $minutes } minutes.
}
prompt-expires-in-hours = { $hours ->
    [one] This link expires in 1 hour.
   *[other] This link expires in { $hours } hours.
}

# --- issue 11: /error explains known OAuth 2.0 and Hydra codes in fixed words ---
oauth-error-details = Technical details
oauth-error-reported = As reported by the sign-in service (not verified by us):
oauth-error-invalid_request = The app sent the sign-in service a request that was incomplete or malformed, so it could not be completed. Please return to the app and try again.
oauth-error-invalid_client = The app you came from is not set up correctly with the sign-in service. Please contact the app's support.
oauth-error-unauthorized_client = The app you came from is not allowed to make this request. Please contact the app's support.
oauth-error-access_denied = The request was declined, so nothing was changed. You can return to the app.
oauth-error-invalid_scope = The app asked for access that the sign-in service does not offer. Please contact the app's support.
oauth-error-server_error = The sign-in service had an internal problem. Please try again later.
oauth-error-temporarily_unavailable = The sign-in service is busy or under maintenance. Please try again in a few minutes.
oauth-error-login_required = You need to sign in again before this can continue. Please return to the app.
oauth-error-request_unauthorized = The request took too long or was already used, so it is no longer valid. Please start again from the app.
oauth-error-request_forbidden = This request is not allowed. Please return to the app and try again.
