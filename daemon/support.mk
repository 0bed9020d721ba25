## daemon/support.mk - automake fragment included by the top Makefile.am (daemon/).
