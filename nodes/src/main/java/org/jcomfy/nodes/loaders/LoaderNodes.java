package org.jcomfy.nodes.loaders;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** Model loaders. */
public final class LoaderNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new UnetLoader(), new ClipLoader(), new VaeLoader(), new ClipVisionLoader(), new LoraLoader(),
                new LoraLoaderModelOnly());
    }
}
