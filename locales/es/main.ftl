page-title = Cerrar sesión
loading = Cargando…
continuing = Continuando…
prompt-title-app = ¿Cerrar sesión en { $app }?
prompt-title = ¿Cerrar sesión?
prompt-signed-in-as = Has iniciado sesión como { $subject }.
button-sign-out = Cerrar sesión
button-sign-out-everywhere = Cerrar sesión en todas partes
button-app-only = Cerrar sesión solo en { $app }
button-cancel = Cancelar
decision-failed = No pudimos completar tu elección. Inténtalo de nuevo.
link-app = Ir a la aplicación
link-privacy = Política de privacidad
link-terms = Condiciones del servicio
action-try-again = Intentar de nuevo
action-restart = Volver a cerrar sesión
action-home = Ir a la página de inicio
error-bad_request-title = Enlace de cierre de sesión incompleto
error-bad_request = Este enlace de cierre de sesión está incompleto. Vuelve a cerrar sesión desde la aplicación que estabas usando.
error-not_found-title = Enlace de cierre de sesión no válido
error-not_found = Este enlace de cierre de sesión no es válido. Puede que ya se haya usado.
error-expired-title = Enlace de cierre de sesión caducado
error-expired = Este enlace de cierre de sesión ha caducado. Vuelve a cerrar sesión.
error-unavailable-title = No disponible temporalmente
error-unavailable = El cierre de sesión no está disponible temporalmente. Inténtalo de nuevo en un momento.
error-forbidden-title = Solicitud no verificada
error-forbidden = No se pudo verificar esta solicitud. Recarga la página de cierre de sesión e inténtalo de nuevo.
error-inconsistent-title = Enlace de cierre de sesión incoherente
error-inconsistent = Este enlace de cierre de sesión menciona una aplicación distinta de la que pidió cerrar tu sesión. Por tu seguridad, aquí no se ha cerrado ninguna sesión. Vuelve a la aplicación que estabas usando.
error-page_not_found-title = Página no encontrada
error-page_not_found = No hay nada en esta dirección.
error-transport-title = Algo salió mal
error-transport = Algo salió mal al enviar tu elección. Inténtalo de nuevo.
logged-out-title = Has cerrado sesión
logged-out = Puedes cerrar esta ventana.
stayed-title = Sigues con la sesión iniciada
stayed = No se ha cambiado nada. Puedes cerrar esta ventana.
stayed-app-title = Sigues con la sesión iniciada en tus otras aplicaciones
stayed-app = No se ha cerrado ninguna otra sesión. Puedes cerrar esta ventana.
oauth-error-title = Algo salió mal
oauth-error = El servicio de inicio de sesión informó de un problema. Vuelve a la aplicación e inténtalo de nuevo.
oauth-error-code = Código de error:
oauth-error-logout-unidentified = La aplicación no indicó quién cierra la sesión, así que no puede devolverte. Aun así puedes cerrar la sesión aquí; se te pedirá confirmación.
support = ¿Necesitas ayuda?
prompt-explain = Al cerrar sesión, se cierra tu sesión en este dispositivo en todas las aplicaciones que usan esta cuenta.
prompt-explain-app = «Cerrar sesión en todas partes» cierra tu sesión en este dispositivo en todas las aplicaciones que usan esta cuenta. «Cerrar sesión solo en { $app }» retira el acceso de { $app } en todos tus dispositivos y mantiene tu sesión en tus otras aplicaciones.
prompt-explain-app-keep = «Cerrar sesión en todas partes» cierra tu sesión en este dispositivo en todas las aplicaciones que usan esta cuenta. «Cerrar sesión solo en { $app }» mantiene tu sesión en tus otras aplicaciones.

# Issue 15: the sign-out link's deadline (Hydra's expires_at), server-rendered.
prompt-expires-in = { $minutes ->
    [one] Este enlace caduca en 1 minuto.
   *[other] Este enlace caduca en { $minutes } minutos.
}
prompt-expires-in-hours = { $hours ->
    [one] Este enlace caduca en 1 hora.
   *[other] Este enlace caduca en { $hours } horas.
}

# --- issue 11: /error explains known OAuth 2.0 and Hydra codes in fixed words ---
oauth-error-details = Detalles técnicos
oauth-error-reported = Según el servicio de inicio de sesión (no verificado por nosotros):
oauth-error-invalid_request = La aplicación envió al servicio de inicio de sesión una solicitud incompleta o mal formada, por lo que no se pudo completar. Vuelve a la aplicación e inténtalo de nuevo.
oauth-error-invalid_client = La aplicación de la que vienes no está configurada correctamente en el servicio de inicio de sesión. Ponte en contacto con el soporte de la aplicación.
oauth-error-unauthorized_client = La aplicación de la que vienes no puede hacer esta solicitud. Ponte en contacto con el soporte de la aplicación.
oauth-error-access_denied = La solicitud fue rechazada, así que no se cambió nada. Puedes volver a la aplicación.
oauth-error-invalid_scope = La aplicación pidió un acceso que el servicio de inicio de sesión no ofrece. Ponte en contacto con el soporte de la aplicación.
oauth-error-server_error = El servicio de inicio de sesión tuvo un problema interno. Inténtalo de nuevo más tarde.
oauth-error-temporarily_unavailable = El servicio de inicio de sesión está ocupado o en mantenimiento. Inténtalo de nuevo en unos minutos.
oauth-error-login_required = Tienes que volver a iniciar sesión antes de continuar. Vuelve a la aplicación.
oauth-error-request_unauthorized = La solicitud tardó demasiado o ya se usó, así que ya no es válida. Empieza de nuevo desde la aplicación.
oauth-error-request_forbidden = Esta solicitud no está permitida. Vuelve a la aplicación e inténtalo de nuevo.
