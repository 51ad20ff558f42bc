/** The vectornn command line: picocli commands over the core library. Nothing depends on it. */
module dev.vectornn.cli {
    requires dev.vectornn;
    requires info.picocli;

    opens dev.vectornn.cli to info.picocli;
}
