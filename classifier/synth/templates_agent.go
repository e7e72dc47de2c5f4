package synth

// A metrics agent in Telegraf's format: "<time> <L>! [plugin] message", the
// level a letter (D! I! W! E!) and the plugin the component. Its sensor and
// disk plugins report on the machine it runs on.
func init() {
	agentLevels := map[string][]string{"debug": {"D!"}, "info": {"I!"}, "warning": {"W!"}, "error": {"E!"}}
	register(&system{
		name:   "telegraf",
		comps:  []string{"agent"},
		levels: agentLevels,
		format: func(g *gen, l *line) string {
			return l.ts.Format("2006-01-02T15:04:05Z") + " " + l.level + " [" + l.comp + "] " + l.msg
		},
		tmpls: []tmpl{
			t("info", "application", "Starting Telegraf {1.28.5|1.30.1|1.32.0}"),
			t("info", "config", "Loaded inputs: cpu disk diskio ipmi_sensor mem net sensors system"),
			t("info", "config", "Config: Interval:10s, Quiet:false, Hostname:\"{host}\", Flush Interval:10s"),
			tc("debug", "hardware", "inputs.ipmi_sensor", "Reading {1-90} sensors from BMC at {ip}"),
			tc("debug", "hardware", "inputs.sensors", "coretemp-isa-0000 Core {0-31}: {30-70}.0 C"),
			tc("debug", "hardware", "inputs.smart", "nvme{0-3}: temperature {30-50} C, percentage_used {0-30}%"),
			tc("debug", "resource", "outputs.influxdb_v2", "Wrote batch of {1-1000} metrics in {1-900}.{100-999}ms"),
			tc("debug", "network", "outputs.prometheus_client", "Scrape from {ip}:{eport} served {count} series"),
			tc("debug", "storage", "inputs.disk", "Skipping mount point /{snap/core|run/user/1000}: read-only or pseudo file system"),
			tc("warning", "hardware", "inputs.ipmi_sensor", "{sensor} reading {temp} degrees C is above upper non-critical threshold"),
			tc("warning", "resource", "agent", "[outputs.influxdb_v2] Metric buffer overflow; {1-9000} metrics have been dropped"),
			tc("warning", "resource", "inputs.cpu", "Collection took longer than expected; not complete after interval of 10s"),
			tc("error", "hardware", "inputs.ipmi_sensor", "Error in plugin: failed to run command ipmitool: exit status 1 - Unable to establish IPMI v2 / RMCP+ session"),
			tc("error", "hardware", "inputs.sensors", "Error in plugin: no sensors found on this host"),
			tc("error", "network", "outputs.influxdb_v2", "When writing to [http://{host}:8086]: Post \"http://{host}:8086/api/v2/write\": dial tcp {ip}:8086: connect: connection refused"),
			tc("error", "auth", "outputs.influxdb_v2", "When writing to [https://{fqdn}:8086]: 401 Unauthorized: unauthorized access"),
			tc("error", "config", "agent", "Error loading config file /etc/telegraf/telegraf.d/{ipmi|net}.conf: plugin inputs.{ipmi_sensor|net}: line {1-90}: configuration specified the fields [\"{timeout_ms|intervall}\"], but they weren't used"),
		},
	})
}
