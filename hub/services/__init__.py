"""Services the resident asks for from the tablet (a meal, an escort, shopping, a call) and
video calls with their appointment reminders.

`requests` keeps the requests in the store, `messages` words what the provider receives,
`desk` is the one door for asking and answering, `video` plans the appointment reminders.
The hub builds them with `attach(hub)` once its scheduler has started.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.app import Hub


def attach(hub: Hub) -> None:
    """Build the request desk and the video reminders; let SMS answers and deadlines reach them."""
    from hub.services.desk import RequestDesk
    from hub.services.video import REMINDER, VideoReminders

    hub.requests = RequestDesk(hub.alerts, hub.store, hub.clock)
    hub.alerts.answers = hub.requests.answer_reply
    hub.video = VideoReminders(hub.scheduler, hub.clock, lambda: hub.config)
    hub.scheduler.on(REMINDER, hub.video.on_deadline)
    hub.video.plan()
