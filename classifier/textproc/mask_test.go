package textproc

import (
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q)\n got %q\nwant %q", in, got, want)
		}
	}
	f("", "")
	f("nothing to mask here", "nothing to mask here")

	// <TS>
	f("2015-10-18 18:01:47,978 INFO x", "<TS> INFO x")
	f("at 2017-05-16T00:00:31.092Z done", "at <TS> done")
	f("2017-05-16T00:00:31+02:00 x", "<TS> x")
	f("2017-05-16T00:00:31.5-0700 x", "<TS> x")
	f("2017-05-16 00:00:00.008 25746 INFO", "<TS> <NUM> INFO")
	f("- 1117838570 2005.06.03 R02", "- <NUM> <TS> R02")
	f("2005-06-03-15.42.50.675872 R02", "<TS> R02")
	f("nova-api.log.1.2017-05-16_13:53:08 x", "nova-api.log.<NUM>.<TS> x")
	f("081109 203615 148 INFO", "<TS> <NUM> INFO")
	f("17/06/09 20:10:40 INFO", "<TS> INFO")
	f("on 06/09/2017 ok", "on <TS> ok")
	f("[10/Oct/2000:13:55:36 -0700] GET", "[<TS>] GET")
	f("20171223-22:15:29 x", "<TS> x")
	f("took until 18:01:47.978 then", "took until <TS> then")
	f("Jun 14 15:16:01 combo sshd", "<TS> combo sshd")
	f("Jul  7 08:06:12 combo", "<TS> combo")
	f("[Sun Dec 04 04:47:44 2005] [notice]", "[<TS>] [notice]")
	f("at Sat May 8 09:04:50 EDT 2004", "at <TS>")
	f("audit(1122475266.4294965305:0): initialized", "audit(<TS>:<NUM>): initialized")
	// ... and what is not one.
	f("ratio 1/2/3", "ratio <NUM>/<NUM>/<NUM>")
	f("at 10:30 sharp", "at <NUM>:<NUM> sharp")
	f("May I help", "May I help")
	f("20151018 rows", "<NUM> rows")
	f("2005-13-45 x", "<NUM>-<NUM>-<NUM> x")

	// <IP>, with a port as :<NUM>
	f("rhost=218.188.2.4 user", "rhost=<IP> user")
	f("to /10.251.203.80", "to /<IP>")
	f("10.251.30.85:50010:Got exception", "<IP>:<NUM>:Got exception")
	f("version 1.2.3.4.5", "version <NUM>")
	f("not 300.1.1.1", "not <NUM>")
	f("fe80::1ff:fe23:4567:890a%eth0", "<IP>%eth0")
	f("[::1]:8080", "[<IP>]:<NUM>")
	f("2001:db8:0:0:0:0:2:1 up", "<IP> up")
	f("::ffff:192.0.2.128 x", "<IP> x")
	f("[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]",
		"[QuorumPeer[myid=<NUM>]/<IP>:<NUM>:FastLeaderElection@<NUM>]")
	f("std::string dead::beef", "std::string dead::beef")

	// <UUID>
	f("[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM", "[instance: <UUID>] VM")
	f("req-6a763803-4838-49c7-814e-eaefbaddee9d x", "req-<UUID> x")
	f("blockmgr-70293f72-844a-4b39-9ad6-fb0ad7e364e4", "blockmgr-<UUID>")

	// <HEX>
	f("sessionid 0x14ed93111f20005 x", "sessionid <HEX> x")
	f("r24=0x0ffea4c8 r25=0X00000003", "r24=<HEX> r25=<HEX>")
	f("113d3a99c3da401fbd62cc2caa5b96d2 x", "<HEX> x")
	f("QuorumPeer$QuorumServer@33557fe4", "QuorumPeer$QuorumServer@<HEX>")
	f("iar 00106570 dear 0010a5c4", "iar <HEX> dear <HEX>")
	f("deadbeef facade cafe1234", "deadbeef facade <HEX>")
	f("0x5g", "<NUM>x<NUM>g")
	f("offset -0x1f", "offset -<HEX>")

	// <EMAIL>
	f("(bhcompile@bugs.build.redhat.com) gcc", "(<EMAIL>) gcc")
	f("mail a.b-c+tag@example.co.uk.", "mail <EMAIL>.")
	f("msrabi@msra-sa-41:9000 Server@33557fe4 u@10.0.0.1", "msrabi@msra-sa-<NUM>:<NUM> Server@<HEX> u@<IP>")

	// <URL>
	f("Input split: hdfs://10.10.34.11:9000/pjhe/logs/2kSOSP.log:21876+7292",
		"Input split: <URL>")
	f("addresses :[akka.tcp://sparkExecutorActorSystem@mesos-slave-07:55904]", "addresses :[<URL>]")
	f("see https://example.com/a?b=1&c=2.", "see <URL>.")
	f(`href="http://x.io/y" next`, `href="<URL>" next`)

	// <PATH>
	f("workerEnv.init() ok /etc/httpd/conf/workers2.properties", "workerEnv.init() ok <PATH>")
	f("forbidden by rule: /var/www/html/", "forbidden by rule: <PATH>")
	f("allocateBlock: /user/root/part-00590. blk_1", "allocateBlock: <PATH>. blk_<NUM>")
	f("node '/udev/vcs2'", "node '<PATH>'")
	f("file=/a/b,c", "file=<PATH>,c")
	f("run ./bin/start.sh and ~/x/y and ../up/x", "run <PATH> and <PATH> and <PATH>")
	f(`to C:\Users\msrabi\AppData\Local\Temp x`, "to <PATH> x")
	f(`share \\server\share\dir x`, "share <PATH> x")
	f("GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail?all=True&x=1 HTTP/1.1",
		"GET <PATH> HTTP/<NUM>")
	f("ro root=LABEL=/ rhgb /default-rack /tmp/", "ro root=LABEL=/ rhgb /default-rack /tmp/")
	f("4G/4G and a/b/c", "<NUM>G/<NUM>G and a/b/c")

	// <DUR>
	f("took 12ms, then 1.5s, 3m20s or 1h2m3.5s; 250µs", "took <DUR>, then <DUR>, <DUR> or <DUR>; <DUR>")
	f("timeout of 10000ms exceeded", "timeout of <DUR> exceeded")
	f("took 160 ms", "took <NUM> ms")
	f("10mk 5x5", "<NUM>mk <NUM>x<NUM>")

	// <NUM>
	f("PacketResponder 1 for block blk_38865049064139660 terminating",
		"PacketResponder <NUM> for block blk_<NUM> terminating")
	f("blk_-6952295868487656571", "blk_<NUM>")
	f("mod_jk child init 1 -2", "mod_jk child init <NUM> <NUM>")
	f("headroom=<memory:10240, vCores:-17>", "headroom=<memory:<NUM>, vCores:<NUM>>")
	f("time: 0.2477829 size 5.2 KB", "time: <NUM> size <NUM> KB")
	f("attempt_1445144423722_0020_m_000003_0", "attempt_<NUM>_<NUM>_m_<NUM>_<NUM>")
	f("rdd_2_0 broadcast_9_piece0", "rdd_<NUM>_<NUM> broadcast_<NUM>_piece0")
	f("126MB 16K 80x25", "<NUM>MB <NUM>K <NUM>x<NUM>")
	f("Version 1.0.6 Starting", "Version <NUM> Starting")
	f("R02-M1-NF-C:J12-U11 R00-M0-N2", "R<NUM>-M<NUM>-N<NUM>-C:J<NUM>-U<NUM> R<NUM>-M<NUM>-N<NUM>")
	f("CPU#0 #1 100%", "CPU#<NUM> #<NUM> <NUM>%")
	f("a-5 R-5", "a-<NUM> R-<NUM>")

	// Not masked: digits that are part of a name, and logger names.
	f("ipv6 x86_64 log4j sha256 i686 utf8 HttpServer2 Slf4jLogger",
		"ipv6 x86_64 log4j sha256 i686 utf8 HttpServer2 Slf4jLogger")
	f("org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created",
		"org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created")
	f("INFO dfs.DataNode$PacketResponder: x", "INFO dfs.DataNode$PacketResponder: x")
	f("combo sshd(pam_unix)[19939]: auth", "combo sshd(pam_unix)[<NUM>]: auth")
	f("combo kernel: ACPI: x", "combo kernel: ACPI: x")
	f("S3 bucket, L2 cache, tty2, jk2_init()", "S3 bucket, L2 cache, tty2, jk2_init()")
	f("Jetty_0_0_0_0_62267_mapreduce", "Jetty_<NUM>_<NUM>_<NUM>_<NUM>_<NUM>_mapreduce")

	// A list of one masked word is cut to two items; one item stays one.
	f("delete blk_1 blk_2 blk_3 blk_4 done", "delete blk_<NUM> blk_<NUM> done")
	f("delete blk_1 blk_2", "delete blk_<NUM> blk_<NUM>")
	f("delete blk_1", "delete blk_<NUM>")
	f("ALERT 0, ALERT 1, ALERT 2, ALERT 3", "ALERT <NUM>, ALERT <NUM>, ALERT <NUM>, ALERT <NUM>")
	f("ok ok ok ok", "ok ok ok ok")
	f("1  2  3  4", "<NUM>  <NUM>  <NUM>  <NUM>")

	// Whitespace and non-ASCII are kept; invalid UTF-8 is replaced.
	f("a  b\tc", "a  b\tc")
	f("größe 5 日本 7", "größe <NUM> 日本 <NUM>")
	f("bad\xff5", "bad\ufffd<NUM>")
}

func TestMaskIdempotent(t *testing.T) {
	for _, s := range maskSeeds {
		once := Mask(s)
		if twice := Mask(once); twice != once {
			t.Errorf("Mask(%q) = %q, then %q", s, once, twice)
		}
		if !utf8.ValidString(once) {
			t.Errorf("Mask(%q) = %q: invalid UTF-8", s, once)
		}
	}
}

func TestMaskAllocs(t *testing.T) {
	line := "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating"
	if n := testing.AllocsPerRun(100, func() { _ = Mask(line) }); n != 1 {
		t.Errorf("Mask allocated %v times per line, want 1", n)
	}
}

var maskSeeds = []string{
	"",
	"x86_64 ab1_2.3 abcdef12_34 R5-NA-5 v1.12",
	"2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: x",
	"[Sun Dec 04 04:47:44 2005] [error] [client 222.166.160.184] Directory index forbidden by rule: /var/www/html/",
	"nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 - - -] 10.11.10.1 \"GET /v2/x/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
	"- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO x",
	"fe80::1 ::1 1::2::3 :: a::b 0:0:0:0:0:0:0:0:2181",
	"a@b.co x@1.2 http://x/y. /a/b. ./c ~/d \\\\s\\t C:\\x\\y",
	"-5 --5 a-5 _-5 1.2.3 1.2017-05-16 0x 0xg 5ms 5.5.5s µs 5µs",
	"<NUM> <<5>> blk_<NUM> 5NUM",
	"a 1 1 1 b 2 2 c 3 3 3 3",
	"x 1 1 1",
	"bad\xff\xfe 日本",
}
