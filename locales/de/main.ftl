page-title = Abmelden
loading = Wird geladen…
continuing = Weiter…
prompt-title-app = Von { $app } abmelden?
prompt-title = Abmelden?
prompt-signed-in-as = Sie sind angemeldet als { $subject }.
button-sign-out = Abmelden
button-sign-out-everywhere = Überall abmelden
button-app-only = Nur von { $app } abmelden
button-cancel = Abbrechen
decision-failed = Ihre Auswahl konnte nicht ausgeführt werden. Bitte versuchen Sie es erneut.
link-app = Zur App
link-privacy = Datenschutzerklärung
link-terms = Nutzungsbedingungen
action-try-again = Erneut versuchen
action-restart = Abmeldung neu starten
action-home = Zur Startseite
error-bad_request-title = Unvollständiger Abmeldelink
error-bad_request = Dieser Abmeldelink ist unvollständig. Bitte starten Sie die Abmeldung erneut in der App, die Sie verwendet haben.
error-not_found-title = Abmeldelink ungültig
error-not_found = Dieser Abmeldelink ist ungültig. Vielleicht wurde er bereits verwendet.
error-expired-title = Abmeldelink abgelaufen
error-expired = Dieser Abmeldelink ist abgelaufen. Bitte starten Sie die Abmeldung erneut.
error-unavailable-title = Vorübergehend nicht verfügbar
error-unavailable = Die Abmeldung ist vorübergehend nicht verfügbar. Bitte versuchen Sie es gleich noch einmal.
error-forbidden-title = Anfrage nicht bestätigt
error-forbidden = Diese Anfrage konnte nicht bestätigt werden. Bitte laden Sie die Abmeldeseite neu und versuchen Sie es erneut.
error-inconsistent-title = Widersprüchlicher Abmeldelink
error-inconsistent = Dieser Abmeldelink nennt eine andere App als die, die Ihre Abmeldung angefordert hat. Zu Ihrer Sicherheit wurde hier nichts abgemeldet. Bitte kehren Sie zu der App zurück, die Sie verwendet haben.
error-page_not_found-title = Seite nicht gefunden
error-page_not_found = Unter dieser Adresse gibt es nichts.
error-transport-title = Etwas ist schiefgelaufen
error-transport = Beim Senden Ihrer Auswahl ist etwas schiefgelaufen. Bitte versuchen Sie es erneut.
logged-out-title = Sie haben sich abgemeldet
logged-out = Sie können dieses Fenster schließen.
stayed-title = Sie sind weiterhin angemeldet
stayed = Es wurde nichts geändert. Sie können dieses Fenster schließen.
stayed-app-title = Sie sind bei Ihren anderen Apps weiterhin angemeldet
stayed-app = Sonst wurde nichts abgemeldet. Sie können dieses Fenster schließen.
oauth-error-title = Etwas ist schiefgelaufen
oauth-error = Der Anmeldedienst hat ein Problem gemeldet. Bitte kehren Sie zur App zurück und versuchen Sie es erneut.
oauth-error-code = Fehlercode:
oauth-error-logout-unidentified = Die App hat nicht angegeben, wer sich abmeldet, und kann Sie daher nicht zurückleiten. Sie können sich trotzdem hier abmelden; Sie werden um Bestätigung gebeten.
support = Brauchen Sie Hilfe?
prompt-explain = Die Abmeldung beendet Ihre Sitzung auf diesem Gerät für alle Apps, die dieses Konto verwenden.
prompt-explain-app = „Überall abmelden“ beendet Ihre Sitzung auf diesem Gerät für alle Apps, die dieses Konto verwenden. „Nur von { $app } abmelden“ beendet den Zugriff von { $app } auf allen Ihren Geräten; bei Ihren anderen Apps bleiben Sie angemeldet.
prompt-explain-app-keep = „Überall abmelden“ beendet Ihre Sitzung auf diesem Gerät für alle Apps, die dieses Konto verwenden. Mit „Nur von { $app } abmelden“ bleiben Sie bei Ihren anderen Apps angemeldet.

# Issue 15: the sign-out link's deadline (Hydra's expires_at), server-rendered.
prompt-expires-in = { $minutes ->
    [one] Dieser Link läuft in 1 Minute ab.
   *[other] Dieser Link läuft in { $minutes } Minuten ab.
}
prompt-expires-in-hours = { $hours ->
    [one] Dieser Link läuft in 1 Stunde ab.
   *[other] Dieser Link läuft in { $hours } Stunden ab.
}

# --- issue 11: /error explains known OAuth 2.0 and Hydra codes in fixed words ---
oauth-error-details = Technische Details
oauth-error-reported = Laut Anmeldedienst (nicht von uns geprüft):
oauth-error-invalid_request = Die App hat dem Anmeldedienst eine unvollständige oder fehlerhafte Anfrage geschickt, daher konnte sie nicht abgeschlossen werden. Bitte kehren Sie zur App zurück und versuchen Sie es erneut.
oauth-error-invalid_client = Die App, von der Sie kommen, ist beim Anmeldedienst nicht richtig eingerichtet. Bitte wenden Sie sich an den Support der App.
oauth-error-unauthorized_client = Die App, von der Sie kommen, darf diese Anfrage nicht stellen. Bitte wenden Sie sich an den Support der App.
oauth-error-access_denied = Die Anfrage wurde abgelehnt, es wurde nichts geändert. Sie können zur App zurückkehren.
oauth-error-invalid_scope = Die App hat einen Zugriff angefordert, den der Anmeldedienst nicht anbietet. Bitte wenden Sie sich an den Support der App.
oauth-error-server_error = Beim Anmeldedienst ist ein interner Fehler aufgetreten. Bitte versuchen Sie es später erneut.
oauth-error-temporarily_unavailable = Der Anmeldedienst ist ausgelastet oder wird gewartet. Bitte versuchen Sie es in einigen Minuten erneut.
oauth-error-login_required = Sie müssen sich erneut anmelden, bevor es weitergehen kann. Bitte kehren Sie zur App zurück.
oauth-error-request_unauthorized = Die Anfrage hat zu lange gedauert oder wurde bereits verwendet und ist nicht mehr gültig. Bitte beginnen Sie erneut in der App.
oauth-error-request_forbidden = Diese Anfrage ist nicht erlaubt. Bitte kehren Sie zur App zurück und versuchen Sie es erneut.
