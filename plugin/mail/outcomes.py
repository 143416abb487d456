"""How a send can end, other than in success: one exception class per meaning.

Callers decide by class: retry later, end the email (and why), or leave it "unknown"
for an operator.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """An email was not delivered."""


class RetryableDeliveryError(DeliveryError):
    """Nothing was accepted (a 4xx, a dropped line): sending again later is safe."""


class FinalDeliveryError(DeliveryError):
    """A definite refusal: sending the same message again would not help."""


class MailConfigurationError(FinalDeliveryError):
    """Our own mail settings are wrong (sender refused, login refused)."""


class SenderRefusedError(MailConfigurationError):
    """A 5xx at MAIL FROM: the relay will not send as MAIL_FROM."""


class RecipientRefusedError(FinalDeliveryError):
    """A 5xx at RCPT TO: the recipient's mailbox refused. The reply is the reason."""


class RejectedDeliveryError(FinalDeliveryError):
    """The server refused the message itself, after DATA."""


class UnsupportedAddressError(FinalDeliveryError):
    """The address needs SMTPUTF8 and the server does not offer it."""


class UnknownOutcomeError(DeliveryError):
    """The message went out but no answer came back: it may have been accepted."""
