"""This process's id, known without a system call. os.getpid() asks the kernel each time
(glibc stopped remembering it), and code on the replay path asks on every request whether it
runs in a forked child: the id is read once, and again in each child os.fork makes.

So worker processes must be forked by os.fork, which runs Python's fork handlers: gunicorn's
are (uWSGI's only with --py-call-osafterfork). A child forked otherwise would share its
parent's random bytes, cache connections and view buffer."""

import os

_pid = os.getpid()


def pid():
    return _pid


def _forked():
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)
