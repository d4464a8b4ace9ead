package org.jcomfy.nodes.image;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** The core image nodes of ComfyUI's {@code nodes.py}. */
public final class ImageNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new LoadImage(), new SaveImage(), new PreviewImage(), new EmptyImage(), new ImageInvert(), new ImageScale());
    }
}
