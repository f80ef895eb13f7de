# edca-agent: build, install, test, demo. Install layout and rationale: docs/systemd.md ("Install").
#
#   make build                       release build of the edca-agent binary
#   make install                     PREFIX=/usr/local by default; distro packages use PREFIX=/usr DESTDIR=...
#   make uninstall                   removes what install put in place (never /etc/edca-agent/config.json)
#   make test | demo | check-systemd scripts/test, scripts/demo, scripts/check-systemd
#
# Every path lives under $(PREFIX) except the configuration ($(SYSCONFDIR), /etc by default). The units, the
# sysusers.d and the tmpfiles.d entries go to $(PREFIX)/lib/...: systemd searches both /usr/lib and
# /usr/local/lib for them, so either PREFIX works without further setup. The unit in the repository says
# ExecStart=/usr/bin/edca-agent (what packagers install); the installed copy is rewritten to $(BINDIR).

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/edca-agent
DOCDIR     ?= $(PREFIX)/share/doc/edca-agent
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSCONFDIR ?= /etc
SWIFT      ?= swift
INSTALL    ?= install

.PHONY: all build install uninstall test demo check-systemd

all: build

build:
	$(SWIFT) build -c release --product edca-agent

# The unit, timer and example config carry /usr paths; rewrite them for this PREFIX/SYSCONFDIR in the copies.
REWRITE = sed -e 's|/usr/bin/edca-agent|$(BINDIR)/edca-agent|g' \
              -e 's|/usr/share/edca-agent/|$(DATADIR)/|g' \
              -e 's|/usr/share/doc/edca-agent/|$(DOCDIR)/|g' \
              -e 's|/etc/edca-agent|$(SYSCONFDIR)/edca-agent|g'

install: build
	$(INSTALL) -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/Controls/catalogs $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(DATADIR)/ReportTemplate \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	$(INSTALL) -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/edca-agent" $(DESTDIR)$(BINDIR)/edca-agent
	$(INSTALL) -m 0644 Controls/*.json $(DESTDIR)$(DATADIR)/Controls/
	$(INSTALL) -m 0644 Controls/catalogs/*.json $(DESTDIR)$(DATADIR)/Controls/catalogs/
	$(INSTALL) -m 0644 ReportTemplate/report.html ReportTemplate/report.css ReportTemplate/report.js \
		$(DESTDIR)$(DATADIR)/ReportTemplate/
	$(REWRITE) systemd/edca-agent.service > $(DESTDIR)$(UNITDIR)/edca-agent.service
	$(REWRITE) systemd/edca-agent.timer > $(DESTDIR)$(UNITDIR)/edca-agent.timer
	chmod 0644 $(DESTDIR)$(UNITDIR)/edca-agent.service $(DESTDIR)$(UNITDIR)/edca-agent.timer
	$(INSTALL) -m 0644 packaging/sysusers.d/edca-agent.conf $(DESTDIR)$(SYSUSERSDIR)/edca-agent.conf
	$(REWRITE) packaging/tmpfiles.d/edca-agent.conf > $(DESTDIR)$(TMPFILESDIR)/edca-agent.conf
	chmod 0644 $(DESTDIR)$(TMPFILESDIR)/edca-agent.conf
	$(INSTALL) -m 0644 docs/systemd.md $(DESTDIR)$(DOCDIR)/systemd.md
	$(INSTALL) -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/edca-agent
	$(REWRITE) packaging/config.example.json > $(DESTDIR)$(SYSCONFDIR)/edca-agent/config.example.json
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/edca-agent/config.example.json
	@echo "installed. Next (as root, see docs/systemd.md): systemd-sysusers edca-agent.conf;" \
		"systemd-tmpfiles --create edca-agent.conf; systemctl daemon-reload; systemctl enable --now edca-agent.timer"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/edca-agent \
		$(DESTDIR)$(UNITDIR)/edca-agent.service $(DESTDIR)$(UNITDIR)/edca-agent.timer \
		$(DESTDIR)$(SYSUSERSDIR)/edca-agent.conf $(DESTDIR)$(TMPFILESDIR)/edca-agent.conf \
		$(DESTDIR)$(SYSCONFDIR)/edca-agent/config.example.json
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

test:
	scripts/test

demo:
	scripts/demo

check-systemd:
	scripts/check-systemd
