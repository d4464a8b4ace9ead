package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The -Djcomfy.* backend switches are read once by the launcher's entry point, for every sub-command. */
class BackendSwitchesTest {

    @Test
    void a_malformed_switch_stops_any_command_with_exit_code_2_before_it_starts() throws Exception {
        String before = System.getProperty("jcomfy.threads");
        System.setProperty("jcomfy.threads", "many");
        try {
            assertEquals(2, Main.dispatch(new String[] {"tensors", "dit"}));
            assertEquals(2, Main.dispatch(new String[] {"serve", "--port", "0"}));
        } finally {
            if (before == null) System.clearProperty("jcomfy.threads"); else System.setProperty("jcomfy.threads", before);
        }
    }
}
