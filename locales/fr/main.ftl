page-title = Se déconnecter
loading = Chargement…
continuing = Suite…
prompt-title-app = Se déconnecter de { $app } ?
prompt-title = Se déconnecter ?
prompt-signed-in-as = Vous êtes connecté en tant que { $subject }.
button-sign-out = Se déconnecter
button-sign-out-everywhere = Se déconnecter partout
button-app-only = Se déconnecter de { $app } uniquement
button-cancel = Annuler
decision-failed = Votre choix n’a pas pu être appliqué. Veuillez réessayer.
link-app = Accéder à l’application
link-privacy = Politique de confidentialité
link-terms = Conditions d’utilisation
action-try-again = Réessayer
action-restart = Recommencer la déconnexion
action-home = Aller à la page d’accueil
error-bad_request-title = Lien de déconnexion incomplet
error-bad_request = Ce lien de déconnexion est incomplet. Veuillez recommencer la déconnexion depuis l’application que vous utilisiez.
error-not_found-title = Lien de déconnexion non valide
error-not_found = Ce lien de déconnexion n’est pas valide. Il a peut-être déjà été utilisé.
error-expired-title = Lien de déconnexion expiré
error-expired = Ce lien de déconnexion a expiré. Veuillez recommencer la déconnexion.
error-unavailable-title = Temporairement indisponible
error-unavailable = La déconnexion est temporairement indisponible. Veuillez réessayer dans un instant.
error-forbidden-title = Requête non vérifiée
error-forbidden = Cette requête n’a pas pu être vérifiée. Veuillez recharger la page de déconnexion et réessayer.
error-inconsistent-title = Lien de déconnexion incohérent
error-inconsistent = Ce lien de déconnexion désigne une autre application que celle qui a demandé votre déconnexion. Par sécurité, rien n’a été déconnecté ici. Veuillez revenir à l’application que vous utilisiez.
error-page_not_found-title = Page introuvable
error-page_not_found = Il n’y a rien à cette adresse.
error-transport-title = Une erreur s’est produite
error-transport = Une erreur s’est produite lors de l’envoi de votre choix. Veuillez réessayer.
logged-out-title = Vous êtes déconnecté
logged-out = Vous pouvez fermer cette fenêtre.
stayed-title = Vous êtes toujours connecté
stayed = Rien n’a été modifié. Vous pouvez fermer cette fenêtre.
stayed-app-title = Vous êtes toujours connecté à vos autres applications
stayed-app = Rien d’autre n’a été déconnecté. Vous pouvez fermer cette fenêtre.
oauth-error-title = Une erreur s’est produite
oauth-error = Le service de connexion a signalé un problème. Veuillez retourner dans l’application et réessayer.
oauth-error-code = Code d’erreur :
oauth-error-logout-unidentified = L’application n’a pas indiqué qui se déconnecte et ne peut donc pas vous ramener. Vous pouvez tout de même vous déconnecter ici ; une confirmation vous sera demandée.
support = Besoin d’aide ?
prompt-explain = La déconnexion met fin à votre session sur cet appareil pour toutes les applications qui utilisent ce compte.
prompt-explain-app = « Se déconnecter partout » met fin à votre session sur cet appareil pour toutes les applications qui utilisent ce compte. « Se déconnecter de { $app } uniquement » retire l’accès de { $app } sur tous vos appareils et vous laisse connecté à vos autres applications.
prompt-explain-app-keep = « Se déconnecter partout » met fin à votre session sur cet appareil pour toutes les applications qui utilisent ce compte. « Se déconnecter de { $app } uniquement » vous laisse connecté à vos autres applications.

# Issue 15: the sign-out link's deadline (Hydra's expires_at), server-rendered.
prompt-expires-in = { $minutes ->
    [one] Ce lien expire dans 1 minute.
   *[other] Ce lien expire dans { $minutes } minutes.
}
prompt-expires-in-hours = { $hours ->
    [one] Ce lien expire dans 1 heure.
   *[other] Ce lien expire dans { $hours } heures.
}

# --- issue 11: /error explains known OAuth 2.0 and Hydra codes in fixed words ---
oauth-error-details = Détails techniques
oauth-error-reported = Selon le service de connexion (non vérifié par nous) :
oauth-error-invalid_request = L’application a envoyé au service de connexion une demande incomplète ou mal formée, qui n’a donc pas pu aboutir. Veuillez retourner dans l’application et réessayer.
oauth-error-invalid_client = L’application d’où vous venez n’est pas correctement configurée auprès du service de connexion. Veuillez contacter le support de l’application.
oauth-error-unauthorized_client = L’application d’où vous venez n’est pas autorisée à faire cette demande. Veuillez contacter le support de l’application.
oauth-error-access_denied = La demande a été refusée, rien n’a été modifié. Vous pouvez retourner dans l’application.
oauth-error-invalid_scope = L’application a demandé un accès que le service de connexion ne propose pas. Veuillez contacter le support de l’application.
oauth-error-server_error = Le service de connexion a rencontré un problème interne. Veuillez réessayer plus tard.
oauth-error-temporarily_unavailable = Le service de connexion est surchargé ou en maintenance. Veuillez réessayer dans quelques minutes.
oauth-error-login_required = Vous devez vous reconnecter avant de continuer. Veuillez retourner dans l’application.
oauth-error-request_unauthorized = La demande a pris trop de temps ou a déjà été utilisée, elle n’est plus valide. Veuillez recommencer depuis l’application.
oauth-error-request_forbidden = Cette demande n’est pas autorisée. Veuillez retourner dans l’application et réessayer.
