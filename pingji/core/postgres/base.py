"""Django's PostgreSQL backend, whose check of a kept connection asks the server only when the
server may have gone.

``CONN_HEALTH_CHECKS`` makes Django run ``SELECT 1`` before the first query of every request on
a kept connection: a round trip that cost a page about as much CPU as one of its own queries,
to learn, almost always, that nothing happened. A server that ends a connection (a restart, a
terminated backend, an idle timeout) tells the client so and closes its end, which leaves the
client's socket readable. So the socket is polled first, without waiting: while it has nothing
to read, the connection stands as it was; when it has (the server's goodbye, or anything else
unasked), Django's own check runs and replaces a dead connection before the request uses it.
A server that vanishes without a word (a cut network) is no better found by ``SELECT 1``, which
waits as long as the request's own first query would.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self._server_spoke()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _server_spoke(self) -> bool:
        """Whether the server closed the connection or sent something unasked since its last
        answer (a closed or broken connection counts as one that spoke)."""
        if self.connection.closed or self.connection.broken:
            return True
        try:
            readable, _w, _x = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)
