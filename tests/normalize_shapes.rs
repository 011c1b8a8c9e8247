//! Small hand-written inputs, one per page shape the boilerplate step learned to read (issue #3):
//! tables, lists after the prose, paragraphs broken by hard breaks, embedded posts, time stamps
//! inside the article and cut-off teasers.

use newsdesk::normalize::{normalize, Envelope, NormalizedArticle};
use time::macros::datetime;

fn run(text: &str) -> NormalizedArticle {
    normalize(
        &Envelope::from_text(text.to_string()),
        datetime!(2026-11-27 20:00 UTC),
    )
    .expect("normalizes")
}

const MENU: &str = "\
Riverside Gazette | News | Sport | Weather

  * [Home](https://example.com/)
  * [News](https://example.com/news)
  * [Sport](https://example.com/sport)
  * [Weather](https://example.com/weather)
";

const SIDEBAR: &str = "\
## [Most read](https://example.com/popular)

  * [Council approves the new bridge after a long debate](https://example.com/a)
  * [Weekend weather: sunshine and showers expected](https://example.com/b)

Copyright © 2019 Riverside Gazette. All rights reserved.
";

#[test]
fn a_results_table_is_the_article() {
    let text = format!(
        "{MENU}
# Regional league standings

Updated 22 October 2019

These are the standings after the last round of the season:

**Pos.** | **Team** | **Points** | **Wins**  
---|---|---|---  
1 | Riverside Rovers | 54 | 17  
2 | Hilltop United | 51 | 16  
3 | Old Mill Athletic | 47 | 14  
4 | Harbour Town | 40 | 12  
5 | Northgate Wanderers | 33 | 9  
6 | Lakeside Albion | 21 | 5  

{SIDEBAR}
Click the picture above and read every column our editor has written this season about the league, the clubs and the players who made it.
"
    );
    let a = run(&text);
    assert!(
        a.body_text.contains("1 | Riverside Rovers | 54 | 17"),
        "{}",
        a.body_text
    );
    assert!(
        a.body_text.contains("6 | Lakeside Albion | 21 | 5"),
        "{}",
        a.body_text
    );
    assert!(!a.body_text.contains("Council approves"), "{}", a.body_text);
}

#[test]
fn a_paragraph_broken_into_lines_is_judged_whole() {
    let text = "\
Calendário | Automobilismo | Notícias

  * [Início](https://example.com/)
  * [Notícias](https://example.com/noticias)

# Calendário do campeonato 2018

### O calendário da temporada

Etapa 1: 3 de março – Goiânia  
Etapa 2: 17 de março – Curitiba  
Etapa 3: 7 de abril – Velopark  
Etapa 4: 28 de abril – Londrina  
Etapa 5: 19 de maio – Santa Cruz do Sul  
Etapa 6: 9 de junho – Campo Grande  
Etapa 7: 14 de julho – a ser divulgado  
Etapa 8: 4 de agosto – Cascavel  
Etapa 9: 1 de setembro – Velo Città  
Etapa 10: 6 de outubro – Tarumã  
Etapa 11: 10 de novembro – a ser divulgado  
Etapa 12: 8 de dezembro – Interlagos

## [Mais lidas](https://example.com/populares)

  * [Piloto vence a corrida de abertura da temporada](https://example.com/a)
  * [Equipe anuncia novo patrocinador para o ano](https://example.com/b)

Clique na imagem acima e veja todas as colunas que o nosso editor escreveu nesta temporada sobre as corridas.
";
    let a = run(text);
    assert!(
        a.body_text.contains("Etapa 1: 3 de março"),
        "{}",
        a.body_text
    );
    assert!(
        a.body_text.contains("Etapa 12: 8 de dezembro"),
        "{}",
        a.body_text
    );
    assert!(!a.body_text.contains("Clique na imagem"), "{}", a.body_text);
}

#[test]
fn a_list_after_the_prose_stays_and_what_follows_it_does_not() {
    let text = "\
# Twenty teams have booked their places

The group stage of qualifying finished on Tuesday, and twenty teams have booked their spots in next summer's tournament, with four more to come through the playoffs in March.

Croatia, Germany, Netherlands and Austria all qualified on Saturday, while Finland and Sweden did the same on Friday after wins away from home.

### Qualified teams

  * England (Group A): 10th appearance
  * Czech Republic (Group A): Seventh appearance
  * Ukraine (Group B): Third appearance
  * Spain (Group F): 11th appearance

![Jane Writer mugshot](https://example.com/jane.jpg)

Share this article

Jane Writer is an award-winning reporter based in Leeds who has covered football across Europe for the paper since the turn of the century, and writes a weekly column.
";
    let a = run(text);
    assert!(a.body_text.contains("England (Group A)"), "{}", a.body_text);
    assert!(a.body_text.contains("Spain (Group F)"), "{}", a.body_text);
    assert!(!a.body_text.contains("award-winning"), "{}", a.body_text);
}

#[test]
fn embedded_posts_and_video_time_stamps_stay_inside_the_article() {
    let text = "\
# Officers rescue a missing girl

Officers found the girl on Monday night in a hotel room on the edge of town, after a family friend spotted the suspect's car in the car park and called the police.

The body camera footage shows officers racing up a staircase, converging outside the room and banging on the door before they force it open.

(Published Monday, Nov. 18, 2019)

The suspect said he needed to get dressed.

Police used a ram to force open the door.

At first, there was no sign of her.

But suddenly they found her hiding in a clothes basket, where he had forced her to stay while threatening to hurt her parents, and carried her out to safety.

> What a relief for the whole town tonight.
> 
> — Jane Doe (@janedoe) November 18, 2019

The suspect confessed to the crime and the jury took just fifteen minutes to find him guilty of all the charges against him.
";
    let a = run(text);
    assert!(
        a.body_text.contains("needed to get dressed"),
        "{}",
        a.body_text
    );
    assert!(a.body_text.contains("no sign of her"), "{}", a.body_text);
    assert!(
        a.body_text.contains("(@janedoe) November 18, 2019"),
        "{}",
        a.body_text
    );
}

#[test]
fn a_teaser_cut_after_a_comma_is_not_a_paragraph() {
    let text = "\
# Rabbit hunter catches the plague

A case of the bubonic plague was reported in the north of the country over the weekend, after two people there were diagnosed with the pneumonic form of the disease last week.

The patient hunted and ate a wild rabbit earlier in the month, according to the state news agency, and is being treated in hospital.

### Two patients diagnosed with plague as officials scramble

Two people have been diagnosed with the plague, health officials said on Tuesday,...
";
    let a = run(text);
    assert!(a.body_text.contains("wild rabbit"), "{}", a.body_text);
    assert!(
        !a.body_text.contains("officials said on Tuesday"),
        "{}",
        a.body_text
    );
    assert!(a.removed.iter().any(|r| r.reason == "teaser"));
}

#[test]
fn inline_image_data_does_not_decide_the_language() {
    // A logo inlined as a data URL longer than any markdown link the parser follows stays on
    // the line as text: thousands of base64 characters, next to a few sentences of English.
    let logo = base64_noise(6000);
    let text = format!(
        "{MENU}
# Markets close higher as oil prices fall

Stocks rose on Tuesday as investors weighed the latest figures on inflation and jobs.

The rally was broad, with technology and energy shares leading the gains in the afternoon.

Data also provided by ![Reuters](data:image/svg+xml;base64,{logo})
"
    );
    let article = run(&text);
    assert_eq!(article.title, "Markets close higher as oil prices fall");
    assert_eq!(article.language, "en");
    assert_eq!(article.script, "Latn");
}

/// `len` characters of base64's alphabet in a fixed pseudo-random order, as image data reads.
fn base64_noise(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u32 = 2_463_534_242;
    (0..len)
        .map(|_| {
            // xorshift32
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            char::from(ALPHABET[(state % 64) as usize])
        })
        .collect()
}
