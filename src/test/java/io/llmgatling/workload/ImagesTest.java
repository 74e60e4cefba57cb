package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgatling.engine.Message;
import io.llmgatling.engine.Part;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The vision task's images: generated at run time, of the size and format asked, the same for the same seed. */
class ImagesTest {

  @Test
  void should_encode_png_and_jpeg_images_of_the_asked_size() throws Exception {
    for (String format : List.of("png", "jpeg")) {
      byte[] bytes = Images.generate(new Images.Spec(320, 200, format), 5);
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      assertThat(image.getWidth()).isEqualTo(320);
      assertThat(image.getHeight()).isEqualTo(200);
    }
  }

  @Test
  void should_give_the_same_bytes_for_the_same_seed_and_others_for_another() {
    Images.Spec spec = new Images.Spec(64, 64, "png");
    assertThat(Images.generate(spec, 1)).isEqualTo(Images.generate(spec, 1)).isNotEqualTo(Images.generate(spec, 2));
  }

  @Test
  void should_refuse_an_image_spec_out_of_bounds_in_one_line() {
    assertThatThrownBy(() -> new Images.Spec(0, 10, "png")).hasMessageContaining("width and height");
    assertThatThrownBy(() -> new Images.Spec(10, 10, "gif")).hasMessageContaining("png or jpeg");
  }

  @Test
  void should_feed_the_built_in_task_prompts_with_their_tools_schema_and_image() {
    Map<String, Object> tools = PromptSet.loadResource("prompts/tools.jsonl", 1).feeder(1).next();
    assertThat(tools).containsKeys(PromptSet.TOOLS, PromptSet.TOOL_RESULT);
    Map<String, Object> structured = PromptSet.loadResource("prompts/structured.jsonl", 1).feeder(1).next();
    assertThat(structured).containsKeys(PromptSet.SCHEMA, PromptSet.SCHEMA_NAME);
    Map<String, Object> vision = PromptSet.loadResource("prompts/vision.jsonl", 1).feeder(1).next();
    @SuppressWarnings("unchecked")
    List<Message> messages = (List<Message>) vision.get(PromptSet.MESSAGES);
    Message last = messages.get(messages.size() - 1);
    assertThat(last.parts(Part.Image.class)).hasSize(1);
    assertThat(last.text()).isNotBlank();
    assertThat(vision).doesNotContainKeys(PromptSet.TOOLS, PromptSet.SCHEMA);
  }
}
