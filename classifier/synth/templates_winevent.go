package synth

// Windows event logs (the file is not named *_windows.go: that suffix
// would build it on Windows only) as exported rows or shipped key=value lines: the level
// column (Information, Warning, Error, Critical, Verbose; Audit Success and
// Audit Failure in the Security log) and the source, which is the component.
func init() {
	winLevels := map[string][]string{
		"debug": {"Verbose"}, "info": {"Information"}, "warning": {"Warning"}, "error": {"Error"}, "critical": {"Critical"},
	}
	const sec = "Microsoft-Windows-Security-Auditing"
	register(&system{
		name:   "windows",
		levels: winLevels,
		format: fmtWindows,
		tmpls: []tmpl{
			tc("info", "system", "Service Control Manager", "The {winsvc} service entered the {running|stopped} state.").tg("7036"),
			tc("error", "system", "Service Control Manager", "The {winsvc} service terminated unexpectedly.  It has done this {1-9} time(s).  The following corrective action will be taken in 60000 milliseconds: Restart the service.").tg("7031"),
			tc("error", "system", "Service Control Manager", "The {winsvc} service failed to start due to the following error: The system cannot find the file specified.").tg("7000"),
			tc("error", "auth", "Service Control Manager", "The {winsvc} service was unable to log on as {winuser} with the currently configured password due to the following error: The user name or password is incorrect.").tg("7038"),
			tc("info", "system", "EventLog", "The Event log service was started.").tg("6005"),
			tc("error", "system", "EventLog", "The previous system shutdown at {1-12}:{10-59}:{10-59} {AM|PM} on {1-12}/{1-28}/2024 was unexpected.").tg("6008"),
			tc("info", "system", "User32", "The process C:\\Windows\\system32\\{winlogon.exe|shutdown.exe} ({host}) has initiated the restart of computer {host} on behalf of user {winuser} for the following reason: Operating System: Upgrade (Planned)").tg("1074"),
			tc("critical", "system", "Microsoft-Windows-Kernel-Power", "The system has rebooted without cleanly shutting down first. This error could be caused if the system stopped responding, crashed, or lost power unexpectedly.").tg("41"),
			tc("info", "auth", sec, "An account was successfully logged on. Subject: Security ID: SYSTEM Logon Type: {2|3|10} New Logon: Account Name: {user} Account Domain: {CORP|ACME} Source Network Address: {ip}").lv("Audit Success").tg("4624"),
			tc("warning", "auth", sec, "An account failed to log on. Logon Type: {3|10} Account For Which Logon Failed: Account Name: {user} Failure Information: Failure Reason: Unknown user name or bad password. Status: 0xC000006D Source Network Address: {pubip}").lv("Audit Failure").tg("4625"),
			tc("info", "auth", sec, "An account was logged off. Subject: Account Name: {user} Logon Type: {2|3|10}").lv("Audit Success").tg("4634"),
			tc("info", "auth", sec, "Special privileges assigned to new logon. Subject: Account Name: {user} Privileges: SeBackupPrivilege SeRestorePrivilege SeDebugPrivilege").lv("Audit Success").tg("4672"),
			tc("warning", "auth", sec, "A user account was locked out. Subject: Account Name: {DC01$|FILESRV02$} Account That Was Locked Out: Account Name: {user}").lv("Audit Success").tg("4740"),
			tc("info", "auth", sec, "A user account was created. Subject: Account Name: {user} New Account: Account Name: {user}").lv("Audit Success").tg("4720"),
			tc("warning", "auth", "Microsoft-Windows-Eventlog", "The audit log was cleared. Subject: Account Name: {user}").lv("Information").tg("1102"),
			tc("error", "storage", "Disk", "The device, \\Device\\Harddisk{0-3}\\DR{0-3}, has a bad block.").tg("7"),
			tc("warning", "storage", "Disk", "An error was detected on device \\Device\\Harddisk{0-3}\\DR{0-3} during a paging operation.").tg("51"),
			tc("error", "storage", "Ntfs", "A corruption was discovered in the file system structure on volume {C:|D:|E:}.").tg("55"),
			tc("warning", "storage", "storahci", "Reset to device, \\Device\\RaidPort{0-3}, was issued.").tg("129"),
			tc("warning", "storage", "Microsoft-Windows-Ntfs", "The disk {C:|D:} is at or near capacity. You may need to delete some files.").tg("2013"),
			tc("warning", "resource", "Microsoft-Windows-Resource-Exhaustion-Detector", "Windows successfully diagnosed a low virtual memory condition. The following programs consumed the most virtual memory: {sqlservr.exe|java.exe|chrome.exe} ({pid}) consumed {bytes} bytes").tg("2004"),
			tc("error", "application", "Application Error", "Faulting application name: {app}.exe, version: {version}.0, faulting module name: {ntdll.dll|KERNELBASE.dll|ucrtbase.dll}, exception code: 0x{c0000005|c0000409|e0434352}").tg("1000"),
			tc("info", "application", "Windows Error Reporting", "Fault bucket {count}, type {1-5} Event Name: APPCRASH Response: Not available").tg("1001"),
			tc("info", "system", "Microsoft-Windows-WindowsUpdateClient", "Installation Successful: Windows successfully installed the following update: 2024-0{1-9} Cumulative Update for Windows Server 2022 (KB50{10000-99999})").tg("19"),
			tc("error", "system", "Microsoft-Windows-WindowsUpdateClient", "Installation Failure: Windows failed to install the following update with error 0x{80070002|8024200D|80073712}: 2024-0{1-9} Cumulative Update for Windows 10 (KB50{10000-99999})").tg("20"),
			tc("warning", "network", "Microsoft-Windows-DNS-Client", "Name resolution for the name {fqdn} timed out after none of the configured DNS servers responded.").tg("1014"),
			tc("info", "network", "Microsoft-Windows-Iphlpsvc|Tcpip", "Network adapter {Ethernet0|Intel(R) Ethernet Connection I219-LM} connected to {CORP|ACME} network.").tg("4201"),
			tc("warning", "network", "Tcpip", "TCP/IP failed to establish an outgoing connection because the selected local endpoint was recently used to connect to the same remote endpoint.").tg("4227"),
			tc("error", "network", "Schannel", "A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is {40|46|48}.").tg("36887"),
			tc("error", "config", "Microsoft-Windows-GroupPolicy", "The processing of Group Policy failed. Windows attempted to read the file \\\\{CORP|ACME}.local\\SysVol\\{CORP|ACME}.local\\Policies\\⟨{uuid}⟩\\gpt.ini from a domain controller and was not successful.").tg("1058"),
			tc("info", "config", "Microsoft-Windows-GroupPolicy", "The Group Policy settings for the computer were processed successfully. New settings from {1-40} Group Policy objects were detected and applied.").tg("1502"),
			tc("warning", "hardware", "Microsoft-Windows-WHEA-Logger", "A corrected hardware error has occurred. Component: {Memory|PCI Express Root Port|Processor Core} Error Source: Corrected Machine Check").tg("17"),
			tc("critical", "hardware", "Microsoft-Windows-WHEA-Logger", "A fatal hardware error has occurred. Component: {Processor Core|Memory} Error Source: Machine Check Exception").tg("18"),
			tc("warning", "hardware", "Microsoft-Windows-Kernel-Processor-Power", "The speed of processor {0-63} in group 0 is being limited by system firmware. The processor has been in this reduced performance state for {1-900} seconds since the last report.").tg("37"),
			tc("info", "scheduler", "Microsoft-Windows-TaskScheduler", "Task Scheduler successfully completed task \"\\{Backup|Maintenance|App}\\{jobname}\" , instance \"⟨{uuid}⟩\" , action \"C:\\Windows\\SYSTEM32\\cmd.exe\" with return code 0.").tg("201"),
			tc("error", "scheduler", "Microsoft-Windows-TaskScheduler", "Task Scheduler failed to start \"\\{Backup|Maintenance|App}\\{jobname}\" task for user \"{winuser}\". Additional Data: Error Value: 2147943645.").tg("101"),
			tc("error", "database", "MSSQLSERVER", "Login failed for user '{user}'. Reason: Could not find a login matching the name provided. [CLIENT: {ip}]").lv("Error").tg("18456"),
			tc("error", "database", "MSSQLSERVER", "Transaction (Process ID {50-400}) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.").tg("1205"),
			tc("warning", "database", "MSSQLSERVER", "SQL Server has encountered {1-90} occurrence(s) of I/O requests taking longer than 15 seconds to complete on file [{D:\\Data\\shop.mdf|L:\\Logs\\shop_log.ldf}] in database [{db}] ({5-9}).").tg("833"),
			tc("info", "database", "MSSQLSERVER", "Recovery is complete. This is an informational message only. No user action is required.").tg("3408"),
			tc("critical", "storage", "volmgr", "Crash dump initialization failed!").tg("46"),
			tc("debug", "system", "Microsoft-Windows-Kernel-General", "The system time has changed to 2024-0{1-9}-1{0-9}T1{0-9}:00:00.{100000000-999999999}Z from 2024-0{1-9}-1{0-9}T1{0-9}:00:00.{100000000-999999999}Z. Change Reason: System time synchronized with the hardware clock.").tg("1"),
			tc("debug", "system", "Microsoft-Windows-Kernel-Boot", "The boot type was 0x{0|1|2}.").tg("27"),
			tc("debug", "hardware", "Microsoft-Windows-Kernel-PnP", "Device PCI\\VEN_{8086|10DE|15B3}&DEV_{1000-9999}&SUBSYS_{10000000-99999999}&REV_0{1-9}\\{3|4}&{hex}&0&00E0 was configured.").tg("400"),
			tc("debug", "network", "Microsoft-Windows-WLAN-AutoConfig", "WLAN AutoConfig service started a connection to a wireless network. Network Adapter: Intel(R) Wi-Fi 6 AX201 160MHz Interface GUID: ⟨{uuid}⟩").tg("8000"),
		},
	})
}
