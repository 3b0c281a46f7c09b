from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import settle_second_factor_at_sign_in, start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="pathway-idle-clock")
        user_logged_in.connect(
            settle_second_factor_at_sign_in, dispatch_uid="pathway-second-factor-at-sign-in"
        )
