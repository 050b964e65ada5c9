"""What notifications connects when the app is built: the mail path for contexts upstream of it."""

from consult.kernel.signals import mail_user
from consult.notifications.operations import mail_user as queue_user_mail


def plug() -> None:
    mail_user.connect(queue_user_mail, weak=False)
