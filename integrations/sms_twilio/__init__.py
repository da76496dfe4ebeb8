"""SMS through Twilio: the notifier, reply polling, the inbound webhook, and a local stand-in."""

from integrations.sms_twilio.notifier import TwilioNotifier
from integrations.sms_twilio.replies import ReplyPollError, TwilioReplies
from integrations.sms_twilio.webhook import inbound_sms_handler

__all__ = ["ReplyPollError", "TwilioNotifier", "TwilioReplies", "inbound_sms_handler"]
