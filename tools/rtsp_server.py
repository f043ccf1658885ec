"""A real RTSP server for the tests: GStreamer's (Debian gir1.2-gst-rtsp-server-1.0 with python3-gi).

Serves an H.264 MP4 at rtsp://127.0.0.1:PORT/clip, at its frame rate, over TCP or UDP as the client asks;
every client gets the file from its start. Prints "ready" once listening; stops on SIGTERM.
Usage: /usr/bin/python3 tools/rtsp_server.py PORT FILE.mp4 (the tests start it through core's RtspServer)
"""
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

port, video = sys.argv[1], sys.argv[2]
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch("( filesrc location=\"%s\" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )"
                   % video.replace("\"", ""))
server.get_mount_points().add_factory("/clip", factory)
if server.attach(None) == 0:
    sys.exit("cannot listen on 127.0.0.1:" + port)
loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
print("ready", flush=True)
loop.run()
