import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.t5.DemoTextEncoderWeights;
import org.jcomfy.nodes.models.wan.t5.UmT5TextEncoder;

/**
 * Developer helper for tools/train_demo.py: encodes every caption (one per line of CAPTIONS) with
 * the demo UMT5 text encoder exactly as the server's CLIPTextEncode does, so the DiT trains on the
 * conditioning it will get at run time. Writes {@code emb.i} (float32 [1, 512, dim], padding rows
 * zero) and {@code tokens.i} (int64 [1], the real tokens incl. {@code </s>}) for caption i.
 *
 * <p>Run with the server's classpath: {@code java -cp 'server/target/server-0.1.0-SNAPSHOT.jar:server/target/lib/*'
 * tools/DemoCaptionEmbeddings.java CAPTIONS OUT}.
 */
public class DemoCaptionEmbeddings {
    public static void main(String[] args) throws Exception {
        List<String> captions = Files.readAllLines(Path.of(args[0]));
        Path weights = Files.createTempFile("jcomfy_demo_umt5", ".safetensors");
        try {
            DemoTextEncoderWeights.write(weights);
            Map<String, Tensor> out = new LinkedHashMap<>();
            try (UmT5TextEncoder encoder = UmT5TextEncoder.open(weights, Devices.cpu().kernels())) {
                for (int i = 0; i < captions.size(); i++) {
                    String caption = captions.get(i);
                    out.put("emb." + i, encoder.encode(caption));
                    out.put("tokens." + i, Tensor.ofLongs(new long[] {encoder.tokenizer().tokenize(caption).realTokens()}, 1));
                }
            }
            SafeTensorsWriter.write(Path.of(args[1]), out);
        } finally {
            Files.deleteIfExists(weights);
        }
    }
}
