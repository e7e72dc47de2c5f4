package synth

import "fmt"

// OpenStack-style Python services (compute, block storage, networking,
// image, identity) in the oslo.log layout
// "<date> <pid> LEVEL <module> [req-<uuid> <user> <project> - - -] msg".
// Conventions (Loghub README): VM instance lifecycle (spawn, reboot,
// migrate, delete, power-state sync) is scheduler; resource claims and the
// resource tracker are resource; the image cache and volumes are storage;
// API requests served are application. Severity is the line's level.
func init() {
	oslo := func(g *gen, l *line) string {
		ctx := "-"
		if g.r.IntN(5) != 0 {
			ctx = fmt.Sprintf("req-%s %016x%016x %016x%016x - - -", g.uuid(), g.r.Uint64(), g.r.Uint64(), g.r.Uint64(), g.r.Uint64())
		}
		return fmt.Sprintf("%s %s %s %s [%s] %s", l.ts.Format("2006-01-02 15:04:05.000"), g.pid(), l.level, l.comp, ctx, l.msg)
	}
	const (
		mgr   = "nova.compute.manager"
		rt    = "nova.compute.resource_tracker"
		drv   = "nova.virt.libvirt.driver"
		sched = "nova.scheduler.manager|nova.scheduler.host_manager"
		claim = "nova.compute.claims"
		img   = "nova.virt.libvirt.imagecache"
		wsgi  = "nova.api.openstack.requestlog|nova.osapi_compute.wsgi.server"
	)
	register(&system{
		name:   "openstack-compute",
		comps:  []string{mgr},
		levels: pythonLevels,
		format: oslo,
		tmpls: []tmpl{
			tc("info", "scheduler", mgr, "[instance: {uuid}] Booting instance on host {host} with flavor m1.{tiny|small|medium|large|xlarge}"),
			tc("info", "scheduler", mgr, "[instance: {uuid}] Instance reached ACTIVE state after {1-180}.{10-99} seconds of building"),
			tc("info", "scheduler", mgr, "[instance: {uuid}] Shutting down guest before deletion, timeout {30-120}s"),
			tc("info", "scheduler", mgr, "[instance: {uuid}] Soft reboot requested by {user}; guest restarted"),
			tc("info", "scheduler", mgr, "[instance: {uuid}] Live migration to {host} finished, cleaning up source"),
			tc("info", "scheduler", mgr, "[instance: {uuid}] Resize confirmed, old flavor resources freed on {host}"),
			tc("warning", "scheduler", mgr, "[instance: {uuid}] Hypervisor says the guest is {SHUTDOWN|PAUSED|CRASHED} but the database has it RUNNING; stopping it to match"),
			tc("error", "scheduler", mgr, "[instance: {uuid}] Build aborted: rescheduling limit of {2-5} attempts exhausted"),
			tc("error", "scheduler", mgr, "[instance: {uuid}] Live migration to {host} failed: guest did not converge after {30-600}s of copying memory"),
			tc("debug", "scheduler", mgr, "[instance: {uuid}] Lock \"{uuid}\" acquired by build_and_run_instance :: waited 0.{000-999}s"),
			tc("info", "scheduler", sched, "Selected host {host} (node {fqdn}) for instance {uuid} after weighing {1-300} candidates"),
			tc("warning", "scheduler", sched, "No valid host found for request {uuid}: {0-3} hosts passed the RamFilter, 0 passed the AggregateInstanceExtraSpecsFilter"),
			tc("debug", "scheduler", sched, "Filter ComputeFilter returned {1-200} host(s) for instance {uuid}"),
			tc("info", "resource", rt, "Final resource view: name={fqdn} phys_ram={mb}MB used_ram={mb}MB phys_disk={1-4000}GB used_disk={1-4000}GB total_vcpus={8-128} used_vcpus={0-128}"),
			tc("info", "resource", rt, "Compute node record updated for {host}:{fqdn}"),
			tc("warning", "resource", rt, "Instance {uuid} is tracked by this host but has no allocations in placement; skipping heal"),
			tc("info", "resource", claim, "Claim successful on node {fqdn}: memory {512-65536} MB, disk {1-500} GB, vcpus {1-32} CPU"),
			tc("error", "resource", claim, "Claim failed on {fqdn}: free RAM {0-1024} MB is less than the {2048-65536} MB requested"),
			tc("debug", "resource", rt, "Starting periodic audit of hypervisor resources on {host}, node {fqdn}"),
			tc("info", "storage", img, "Image cache entry {sha}{sha} on {host} is unused and older than {24|48|72}h; removing base file"),
			tc("info", "storage", img, "Base image /var/lib/nova/instances/_base/{sha}{sha} in use by {1-40} local instances"),
			tc("warning", "storage", img, "Unknown base file /var/lib/nova/instances/_base/{sha}{sha} found in image cache"),
			tc("error", "storage", drv, "[instance: {uuid}] Failed to attach volume at mountpoint /dev/vd{b|c|d}: disk device busy"),
			tc("info", "storage", drv, "[instance: {uuid}] Creating root disk image from base {sha}{sha}, {1-160} GB qcow2 overlay"),
			tc("info", "hardware", drv, "Host CPU model {Cascadelake-Server|Icelake-Server|EPYC-Milan|Skylake-Client-IBRS} detected, {16-256} threads, NUMA cells {1-4}"),
			tc("warning", "system", drv, "Cannot update service status on host {host} since libvirt connection was lost; service disabled"),
			tc("critical", "system", drv, "Connection to libvirt failed: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"),
			tc("info", "application", wsgi, "{ip} \"{GET|POST|DELETE} /v2.1/{uuid}/servers{|/detail|/action} HTTP/1.1\" status: {status2} len: {count} microversion: 2.{1-95} time: {0-9}.{100-999}"),
			tc("warning", "application", wsgi, "{ip} \"POST /v2.1/servers/{uuid}/action HTTP/1.1\" status: 409 len: {50-400} time: 0.{010-999}: instance is in task_state {deleting|migrating|rebooting}"),
			tc("error", "network", "nova.network.neutron", "[instance: {uuid}] Timed out waiting for network-vif-plugged event for port {uuid} after {300|600}s"),
			tc("info", "network", "nova.network.neutron", "[instance: {uuid}] Port {uuid} bound to host {host}, mac {mac}"),
			tc("error", "database", "oslo_db.sqlalchemy.engines", "Database server has gone away: (pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')"),
			tc("warning", "network", "oslo_messaging._drivers.impl_rabbit", "Connection to AMQP server on {ip}:5672 lost, reconnecting in {1-32} seconds"),
			tc("info", "network", "oslo_messaging._drivers.impl_rabbit", "Reconnected to AMQP server on {ip}:5672 via [amqp] client with port {eport}"),
			tc("error", "config", "oslo_config.cfg", "Option \"{vif_plugging_timeout|cpu_allocation_ratio|reserved_host_memory_mb}\" in group [{DEFAULT|compute|libvirt}] has invalid value \"{word}\""),
			tc("warning", "config", "oslo_config.cfg", "Option \"{auth_uri|notify_on_state_change|use_neutron}\" from group \"{DEFAULT|keystone_authtoken}\" is deprecated for removal. Its value may be silently ignored in the future."),
			tc("info", "application", "nova.service", "Starting compute node (version {20-30}.{0-5}.{0-9})"),
			tc("critical", "application", "nova.service", "Unhandled error while starting service nova-compute: {exception}"),
		},
	})
	register(&system{
		name:   "openstack-storage",
		comps:  []string{"cinder.volume.manager"},
		levels: pythonLevels,
		format: oslo,
		tmpls: []tmpl{
			tc("info", "storage", "cinder.volume.manager", "Volume {uuid}: created successfully, size {1-2000} GiB on backend {ceph|lvm|netapp}@{rbd|lvmdriver-1|pool-a}"),
			tc("info", "storage", "cinder.volume.manager", "Attaching volume {uuid} to instance {uuid} at /dev/vd{b|c|d|e}"),
			tc("info", "storage", "cinder.volume.manager", "Snapshot {uuid} of volume {uuid} created, {1-900} GiB"),
			tc("info", "storage", "cinder.volume.manager", "Volume {uuid} extended from {1-100} to {101-2000} GiB"),
			tc("warning", "storage", "cinder.volume.manager", "Volume {uuid} is still attached to {1-3} instance(s); deferring delete"),
			tc("error", "storage", "cinder.volume.manager", "Volume {uuid}: create failed on backend {lvm|rbd}; status set to error"),
			tc("debug", "storage", "cinder.volume.drivers.rbd|cinder.volume.drivers.lvm", "Cloning image {uuid} into volume {uuid} with copy-on-write"),
			tc("error", "storage", "cinder.volume.drivers.lvm", "Failed to remove logical volume cinder-volumes/volume-{uuid}: device is open"),
			tc("warning", "resource", "cinder.scheduler.host_manager", "Backend {host}@{lvm|rbd} reported free_capacity_gb={0-50} below the reserved percentage of {5-20}%"),
			tc("error", "resource", "cinder.quota", "Quota exceeded for project {hex}{hex}: requested {1-500}G, already consumed {500-1000}G of 1000G gigabytes"),
			tc("info", "storage", "glance.api.v2.images|glance.location", "Image {uuid} uploaded, {bytes} bytes, disk_format {qcow2|raw|vmdk}, checksum {sha}{sha}"),
			tc("error", "storage", "glance_store._drivers.filesystem|glance_store._drivers.rbd", "Image {uuid} data could not be written: No space left on store {file|rbd}"),
			tc("info", "application", "glance.api.middleware.version_negotiation", "Determining version of request: GET /v2/images Accept: */*"),
			tc("info", "application", "glance.common.wsgi", "{ip} - - \"GET /v2/images?limit={10-100} HTTP/1.1\" {status2} {count} {0-2}.{100-999}"),
			tc("info", "network", "neutron.agent.l3.agent", "Router {uuid} configured: {1-8} internal ports, gateway on {ip}"),
			tc("info", "network", "neutron.plugins.ml2.drivers.openvswitch.agent.ovs_neutron_agent|ovs_neutron_agent", "Port {uuid} updated. Details: binding:host_id={host}, device_owner=compute:nova, status=ACTIVE"),
			tc("warning", "network", "neutron.agent.dhcp.agent", "DHCP for network {uuid} is out of sync, resyncing after {1-60}s"),
			tc("error", "network", "neutron.agent.linux.utils", "Exit code: 2; Cmd: ['ip', 'netns', 'exec', 'qrouter-{uuid}', 'ip', 'route', 'replace', 'default', 'via', '{ip}']; Stderr: RTNETLINK answers: Network is unreachable"),
			tc("debug", "network", "neutron.agent.linux.openvswitch_firewall.firewall", "Adding flows for port {uuid} on br-int, ofport {1-900}"),
			tc("info", "auth", "keystone.auth.core|keystone.token.provider", "Issued token for user {hex}{hex} scoped to project {hex}{hex}, expires in {1-24}h"),
			tc("warning", "auth", "keystone.server.flask.application", "Authorization failed. The request you have made requires authentication. from {ip}"),
			tc("warning", "auth", "keystone.identity.core", "Could not find user {user} in domain Default; login from {ip} rejected"),
			tc("error", "auth", "keystonemiddleware.auth_token", "Bad response code while validating token: 503; identity service unreachable"),
			tc("info", "auth", "keystonemiddleware.auth_token", "Using cached token validation result for {1-300}s"),
			tc("critical", "database", "cinder.db.sqlalchemy.api|keystone.common.sql.core", "Cannot reach database at {host}:3306 after {10-60} attempts; service exiting"),
			tc("info", "database", "oslo_db.sqlalchemy.migration|cinder.db.migration", "Database schema upgraded to revision {hex}"),
			tc("warning", "resource", "oslo_service.loopingcall", "Function 'cinder.volume.manager.VolumeManager.publish_service_capabilities' run outlasted interval by {1-90}.{10-99} sec"),
			tc("info", "config", "oslo_service.service", "Caught SIGHUP, reloading configuration from /etc/{cinder/cinder|glance/glance-api|neutron/neutron}.conf"),
			tc("debug", "config", "oslo_service.service", "{enabled_backends|default_volume_type|bind_port} = {lvm|__DEFAULT__|9292}"),
			tc("info", "scheduler", "cinder.scheduler.filter_scheduler", "Choosing backend {host}@{lvm|rbd}#{pool|volumes} for volume {uuid}"),
			tc("error", "scheduler", "cinder.scheduler.flows.create_volume", "Failed to run task cinder.scheduler.flows.create_volume.ScheduleCreateVolumeTask;volume:create: No valid backend was found"),
		},
	})
}
