package org.jcomfy.backend.golden;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;

class GoldenFilesReadTest {
    @Test
    void every_golden_safetensors_file_opens_with_a_valid_header() throws Exception {
        Path golden = Path.of(System.getProperty("jcomfy.testdata"), "golden");
        try (var files = Files.walk(golden)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
                try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
                    assertFalse(f.names().isEmpty(), p.toString());
                }
            }
        }
    }
}
