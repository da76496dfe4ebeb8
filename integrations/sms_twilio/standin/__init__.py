"""A local stand-in for Twilio's Messages API, for tests, the demo and the benchmark."""

from integrations.sms_twilio.standin.messages import Message
from integrations.sms_twilio.standin.server import Posted, RecordedRequest, TwilioStandin

__all__ = ["Message", "Posted", "RecordedRequest", "TwilioStandin"]
