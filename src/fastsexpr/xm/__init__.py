"""The xm config file format (``/etc/xen/*.cfg``) and its conversion.

``conf`` is the file syntax: libvirt 1.2.10's ``virconf`` reader and writer,
knowing quoting, comments, lists and positions, nothing of Xen.
"""
