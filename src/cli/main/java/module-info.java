/** The vectornn command line: picocli commands over the core library. Nothing depends on it. */
@SuppressWarnings("requires-automatic") // XChart publishes no module name; see below
module dev.vectornn.cli {
    requires dev.vectornn;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires org.jline.terminal;
    requires com.google.gson;
    requires java.desktop;
    // XChart's jar declares no module name; this is the name the JDK derives from its file name
    requires xchart;

    opens dev.vectornn.cli to info.picocli;
}
